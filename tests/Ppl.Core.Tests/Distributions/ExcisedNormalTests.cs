using Ppl.Distributions;
using static Ppl.Tests.Distributions.ContinuousTestUtil;
using static TorchSharp.torch;
using MathNetNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Distributions;

/// <summary>
/// ExcisedNormal(μ, σ, intervals): the normal's density over the mass left, 0 inside the closed
/// intervals; CDF and inverse CDF against a reference built from MathNet's normal CDF. Ports
/// chirho tests/observational/test_excised.py::test_excised_normal_shapes_and_sampling.
/// </summary>
[Collection("Sequential")]
public sealed class ExcisedNormalTests
{
    /// <summary>ChiRho's parametrization: flat, flat_intervals, shaped, shaped_intervals (the last two relative to μ and σ).</summary>
    public static TheoryData<string> IntervalCases => new() { "flat", "flat_intervals", "shaped", "shaped_intervals" };

    private static (double Low, double High)[] Cut(string key, double mean, double sd) => key switch
    {
        "flat" => [(-1.0, 1.0)],
        "flat_intervals" => [(-2.0, -1.0), (1.0, 2.0)],
        "shaped" => [(mean - sd, mean + sd)],
        "shaped_intervals" => [(mean - (2 * sd), mean - sd), (mean + sd, mean + (2 * sd))],
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    private static double Kept(double mu, double sigma, (double Low, double High)[] cut) =>
        1 - cut.Sum(c => MathNetNormal.CDF(mu, sigma, c.High) - MathNetNormal.CDF(mu, sigma, c.Low));

    private static double ReferenceLogPdf(double mu, double sigma, (double Low, double High)[] cut, double x) =>
        cut.Any(c => c.Low <= x && x <= c.High) ? double.NegativeInfinity : MathNetNormal.PDFLn(mu, sigma, x) - Math.Log(Kept(mu, sigma, cut));

    private static double ReferenceCdf(double mu, double sigma, (double Low, double High)[] cut, double x)
    {
        double below = MathNetNormal.CDF(mu, sigma, x);
        double kept = below;
        foreach (var (low, high) in cut)
        {
            kept -= Math.Clamp(below - MathNetNormal.CDF(mu, sigma, low), 0, MathNetNormal.CDF(mu, sigma, high) - MathNetNormal.CDF(mu, sigma, low));
        }

        return kept / Kept(mu, sigma, cut);
    }

    private static ExcisedNormal Make(Tensor mu, Tensor sigma, (double Low, double High)[] cut) =>
        new(mu, sigma, cut.Select(c => (c.Low, c.High)).ToArray());

    [Theory]
    [MemberData(nameof(IntervalCases))]
    public void LogProbIsTheRenormalizedNormalDensityAndMinusInfinityInsideTheIntervals(string key)
    {
        using var scope = NewDisposeScope();
        foreach (var (mu, sigma) in new[] { (1.0, 2.0), (3.0, 3.0) })
        {
            var cut = Cut(key, mu, sigma);
            double[] xs = [.. Enumerable.Range(0, 81).Select(i => -20 + (0.5 * i)), .. cut.SelectMany(c => new[] { c.Low, c.High })];
            var d = Make(tensor(mu, dtype: float64), tensor(sigma, dtype: float64), cut);
            var lp = d.LogProb(tensor(xs, dtype: float64)).data<double>().ToArray();
            for (int i = 0; i < xs.Length; i++)
            {
                double expected = ReferenceLogPdf(mu, sigma, cut, xs[i]);
                Assert.True(
                    expected == lp[i] || Math.Abs(expected - lp[i]) <= 1e-10 * Math.Max(1, Math.Abs(expected)),
                    $"{key} μ={mu} σ={sigma} x={xs[i]}: {lp[i]:R}, expected {expected:R}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(IntervalCases))]
    public void DensityIntegratesToOne(string key)
    {
        using var scope = NewDisposeScope();
        var cut = Cut(key, 1.0, 2.0);
        var d = Make(tensor(1.0, dtype: float64), tensor(2.0, dtype: float64), cut);
        double[] edges = [-30, .. cut.SelectMany(c => new[] { c.Low, c.High }).Order(), 30];
        double total = 0;
        for (int i = 0; i + 1 < edges.Length; i++)
        {
            total += MathNet.Numerics.Integrate.DoubleExponential(x => Math.Exp(d.LogProb(tensor(x, dtype: float64)).item<double>()), edges[i], edges[i + 1], 1e-11);
        }

        Assert.True(Math.Abs(total - 1) < 1e-8, $"{key}: integral {total:R}");
    }

    // ports test_excised_normal_shapes_and_sampling: shapes, draws avoid the intervals, -inf inside, CDF of the draws, interval masses
    [Theory]
    [MemberData(nameof(IntervalCases))]
    public void ShapesAndSamplingAsInChiRho(string key)
    {
        using var scope = NewDisposeScope();
        var mean = tensor(new[] { 1.0, 3.0 }, dtype: float64).reshape(2, 1, 1);
        var sd = tensor(new[] { 2.0, 3.0 }, dtype: float64).reshape(2, 1, 1);
        (Tensor, Tensor)[] cut = key switch
        {
            "shaped" => [(mean - sd, mean + sd)],
            "shaped_intervals" => [(mean - (2 * sd), mean - sd), (mean + sd, mean + (2 * sd))],
            _ => [.. Cut(key, 0, 0).Select(c => (tensor(c.Low, dtype: float64), tensor(c.High, dtype: float64)))],
        };
        var d = new ExcisedNormal(mean, sd, cut);
        var expanded = d.Expand(2, 1, 3);
        if (key == "shaped")
        {
            // the excised mass is the normal's within one sd of its mean
            double oneSd = MathNetNormal.CDF(0, 1, 1) - MathNetNormal.CDF(0, 1, -1);
            Assert.True(d.KeptMass.sub(1 - oneSd).abs().max().item<double>() < 1e-12);
        }

        var sample = d.Sample(new Generator(3, CPU), 400);
        var sampleExpanded = expanded.Sample(new Generator(4, CPU), 400);
        Assert.Equal([400L, 2L, 1L, 1L], sample.shape);
        Assert.Equal([400L, 2L, 1L, 3L], sampleExpanded.shape);
        foreach (var (low, high) in d.Intervals)
        {
            Assert.True(sample.le(low).logical_or(sample.ge(high)).all().item<bool>());
            Assert.True(sampleExpanded.le(low).logical_or(sampleExpanded.ge(high)).all().item<bool>());
        }

        var candidates = rand(sample.shape, dtype: float64, generator: new Generator(5, CPU)).sub(0.5).mul(40);
        var lp = d.LogProb(candidates);
        var inside = zeros_like(candidates, dtype: ScalarType.Bool);
        foreach (var (low, high) in d.Intervals)
        {
            inside = inside.logical_or(candidates.ge(low).logical_and(candidates.le(high)));
        }

        Assert.True(lp.eq(double.NegativeInfinity).eq(inside).all().item<bool>());

        // the CDF at every draw against the MathNet reference (ChiRho compares against the draws' ECDF)
        for (int b = 0; b < 2; b++)
        {
            double mu = b == 0 ? 1.0 : 3.0;
            double sigma = b == 0 ? 2.0 : 3.0;
            var reference = key.StartsWith("shaped", StringComparison.Ordinal) ? Cut(key, mu, sigma) : Cut(key, 0, 0);
            double[] xs = sample.select(1, b).flatten().data<double>().ToArray();
            var cdf = d.Cdf(sample).select(1, b).flatten().data<double>().ToArray();
            for (int i = 0; i < xs.Length; i++)
            {
                Assert.True(Math.Abs(cdf[i] - ReferenceCdf(mu, sigma, reference, xs[i])) < 1e-10, $"{key} batch {b}: CDF({xs[i]}) = {cdf[i]}");
            }
        }
    }

    [Theory]
    [InlineData(new[] { -1.0, 1.0 }, 1)]
    [InlineData(new[] { -2.0, -1.0, 1.0, 2.0 }, 2)]
    [InlineData(new[] { 1.0, 2.0, -2.0, -1.0, 4.0, 4.5 }, 3)] // intervals out of order
    [InlineData(new[] { 0.5, 30.0 }, 4)] // the whole upper tail
    public void SamplesPassAKolmogorovSmirnovTest(double[] ends, int seed)
    {
        var cut = Enumerable.Range(0, ends.Length / 2).Select(i => (ends[2 * i], ends[(2 * i) + 1])).ToArray();
        AssertSamplesFit(() => Make(tensor(0.3, dtype: float64), tensor(1.7, dtype: float64), cut), seed, x => ReferenceCdf(0.3, 1.7, cut, x));
    }

    [Fact]
    public void IcdfInvertsTheCdf()
    {
        using var scope = NewDisposeScope();
        var d = Make(tensor(0.0, dtype: float64), tensor(1.0, dtype: float64), [(1.0, 2.0), (-0.5, 0.25)]);
        var p = linspace(0.01, 0.99, 99, dtype: float64);
        var roundTrip = d.Cdf(d.Icdf(p));
        Assert.True(roundTrip.sub(p).abs().max().item<double>() < 1e-12);
    }

    // the pathwise gradient of a draw equals the implicit one of the CDF (ChiRho checks only that rsample moves loc and scale)
    [Fact]
    public void RSampleGradientMatchesTheImplicitDerivativeOfTheCdf()
    {
        (double, double)[] cut = [(-1.0, -0.5), (0.5, 1.2)];
        AssertRSampleGradientMatchesCdf([0.4, 1.3], p => new ExcisedNormal(p[0], p[1], cut), (p, x) => ReferenceCdf(p[0], p[1], cut, x));
    }

    [Fact]
    public void LogProbHasZeroGradientAtTheIntervalEnds()
    {
        using var scope = NewDisposeScope();
        var d = Make(tensor(1.0, dtype: float64), tensor(2.0, dtype: float64), [(-1.0, 0.0), (2.0, 3.0)]);
        var x = tensor(new[] { -1.0, 0.0, 2.0, 3.0 }, dtype: float64).requires_grad_();
        d.LogProb(x).sum().backward();
        Assert.Equal(new double[4], x.grad!.data<double>().ToArray());
    }

    [Fact]
    public void ReversedIntervalIsRejected() =>
        AssertBadParameter(() => Make(tensor(0.0), tensor(1.0), [(1.0, -1.0)]), "ExcisedNormal", "intervals[0] (high - low)", "got -2");

    [Fact]
    public void OverlappingIntervalsAreRejected()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => Make(tensor(0.0), tensor(1.0), [(-1.0, 1.0), (0.5, 2.0)]));
        Assert.Contains("disjoint from intervals[0]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExcisingAllTheMassIsRejected()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => Make(tensor(0.0, dtype: float64), tensor(1.0, dtype: float64), [(double.NegativeInfinity, double.PositiveInfinity)]));
        Assert.Contains("mass", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoIntervalIsRejected()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => Make(tensor(0.0), tensor(1.0), []));
    }

    [Fact]
    public void MeanIsNotDefinedAsInChiRho()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<NotSupportedException>(() => Make(tensor(0.0), tensor(1.0), [(0.0, 1.0)]).Mean);
    }
}
