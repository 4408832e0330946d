using Ppl.Causal;
using static Ppl.Tests.Causal.Mechanisms.MechanismCases;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Mechanisms;

[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class GumbelMaxSamplerTests
{
    public static TheoryData<ScalarType, double> DtypesAndScales => new()
    {
        { float32, 1 },
        { float32, 30 },
        { float32, 1000 },
        { float64, 1 },
        { float64, 30 },
        { float64, 1e6 },
    };

    [Theory]
    [MemberData(nameof(DtypesAndScales))]
    public void PosteriorNoiseReproducesTheObservedCategory(ScalarType dtype, double scale)
    {
        var random = new Random(17);
        var gen = new Generator(5, CPU);
        foreach (int k in new[] { 2, 3, 7, 16 })
        {
            using var scope = NewDisposeScope();
            const int Rows = 50;
            var (l, o) = RandomCase(random, Rows, k, scale, impossible: 0.25);
            var logits = tensor(l, dtype: dtype).reshape(Rows, k);
            var observed = tensor(o);
            var noise = GumbelMax.SamplePosterior(logits, observed, [2000], gen);
            Assert.Equal(new long[] { 2000, Rows, k }, noise.shape);
            Assert.Equal(dtype, noise.dtype);
            Assert.True(noise.isfinite().all().item<bool>(), $"K={k}: non-finite noise");
            var reproduced = GumbelMax.Apply(logits, noise);
            long mismatches = reproduced.ne(observed).sum().item<long>();
            Assert.True(mismatches == 0, $"K={k}, scale {scale}, {dtype}: {mismatches} of {2000 * Rows} draws do not reproduce the observation");
        }
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void VeryUnlikelyObservationsAreReproduced(ScalarType dtype)
    {
        // the observed category has probability e^-80 (float32 softmax underflows there) and e^-700
        var logits = tensor(new[] { 0.0, 80.0, -1.0, 700.0, 700.0, 0.0 }, dtype: dtype).reshape(2, 3);
        var observed = tensor(new long[] { 0, 2 });
        var noise = GumbelMax.SamplePosterior(logits, observed, [20_000], new Generator(3, CPU));
        Assert.True(noise.isfinite().all().item<bool>());
        Assert.True(GumbelMax.Apply(logits, noise).eq(observed).all().item<bool>());
    }

    [Fact]
    public void ObservedBroadcastsAgainstTheBatch()
    {
        var logits = tensor(new[] { 0.1, 0.5, -0.3 });
        var observed = tensor(new long[] { 0, 1, 2, 1 }).reshape(2, 2);
        var noise = GumbelMax.SamplePosterior(logits, observed, [5]);
        Assert.Equal(new long[] { 5, 2, 2, 3 }, noise.shape);
        Assert.True(GumbelMax.Apply(logits, noise).eq(observed).all().item<bool>());
        Assert.Equal(new long[] { 5, 2, 2 }, GumbelMax.PosteriorLogProb(logits, observed, noise).shape);
        Assert.Equal(new long[] { 4, 3 }, GumbelMax.SamplePrior(logits, [4]).shape);
        Assert.Equal(int64, GumbelMax.Apply(logits, noise).dtype);
    }

    [Fact]
    public void ImpossibleObservationsAreRejectedWithTheShapes()
    {
        var logits = tensor(new[] { 0.0, double.NegativeInfinity, 1.0 });
        var minusInf = Assert.Throws<ArgumentException>(() => GumbelMax.SamplePosterior(logits, tensor(1L)));
        Assert.Contains("[3]", minusInf.Message, StringComparison.Ordinal);
        Assert.Contains("−∞", minusInf.Message, StringComparison.Ordinal);
        var outOfRange = Assert.Throws<ArgumentException>(() => GumbelMax.SamplePosterior(logits, tensor(new long[] { 0, 3 })));
        Assert.Contains("[2]", outOfRange.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => GumbelMax.SamplePosterior(logits, tensor(0.5)));
        Assert.Throws<ArgumentException>(() => GumbelMax.PosteriorLogProb(logits, tensor(-1L), zeros(3)));
        Assert.Throws<ArgumentException>(() => GumbelMax.SamplePosterior(logits.expand(2, 3), tensor(new long[] { 0, 0, 0 })));
        Assert.Throws<ArgumentException>(() => GumbelMax.Apply(logits, zeros(4)));
        Assert.Throws<ArgumentException>(() => GumbelMax.SamplePosterior(tensor(1.0), tensor(0L)));
    }

    [Fact]
    public void TwoCategoryMarginalsMatchTheClosedForm()
    {
        // logits [l0, l1], observed 1, d = l1 − l0, c = 1 + e^−d:
        // P(g1 ≤ t | X = 1) = exp(−c e^−t);  P(g0 ≤ t | X = 1) = c [exp(−e^−t) − exp(−(1 + e^d) e^−t) / (1 + e^d)]
        const double L0 = 0.4, L1 = -1.3;
        double d = L1 - L0, c = 1 + Math.Exp(-d), c0 = 1 + Math.Exp(d);
        var noise = GumbelMax.SamplePosterior(tensor(new[] { L0, L1 }), tensor(1L), [20_000], new Generator(11, CPU));
        var values = Values(noise);
        GoodnessOfFit.AssertFits(
            GoodnessOfFit.KolmogorovSmirnov(Column(values, 2, 1), t => Math.Exp(-c * Math.Exp(-t))), "g1 | X=1");
        GoodnessOfFit.AssertFits(
            GoodnessOfFit.KolmogorovSmirnov(Column(values, 2, 0), t => c * (GumbelCdf(t) - (Math.Exp(-c0 * Math.Exp(-t)) / c0))), "g0 | X=1");
    }

    [Fact]
    public void ImpossibleCategoriesKeepPriorNoise()
    {
        var logits = tensor(new[] { 2.0, double.NegativeInfinity, -1.0 }, dtype: float32);
        var noise = GumbelMax.SamplePosterior(logits, tensor(2L), [20_000], new Generator(12, CPU));
        GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(Column(Values(noise), 3, 1), GumbelCdf), "noise of the −∞ category");
    }

    [Fact]
    public void PriorNoiseIsStandardGumbel()
    {
        var noise = GumbelMax.SamplePrior(zeros(2, dtype: float32), [10_000], new Generator(13, CPU));
        Assert.Equal(float32, noise.dtype);
        GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(Values(noise), GumbelCdf), "prior");
    }
}
