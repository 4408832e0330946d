using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>Closed-form KL divergences against Monte-Carlo estimates E_p[log p(x) − log q(x)].</summary>
[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class KLTests
{
    private const int Draws = 200_000;

    /// <summary>Above every pair's log-ratio kurtosis: 15 for a χ²₁ or a Gamma(½) draw, 3 + ψ‴/ψ′² ≤ 7 for a log-gamma one, 9 for the Bernoulli(0.1).</summary>
    private const double MaxKurtosis = 50;

    public static TheoryData<string> Pairs => new(KLPairs.All.Keys);

    [Theory]
    [MemberData(nameof(Pairs))]
    public void ClosedFormMatchesMonteCarlo(string name)
    {
        using var scope = NewDisposeScope();
        var (p, q) = KLPairs.All[name]();
        var kl = KL.Divergence(p, q);
        Assert.Equal(ShapeUtil.Broadcast(p.BatchShape, q.BatchShape), kl.shape);
        Assert.True(KL.HasClosedForm(p, q));

        var x = p.Sample(new Generator(2024, CPU), Draws);
        var ratio = p.LogProb(x).sub(q.LogProb(x));
        var mean = ratio.mean([0]);
        var standardError = ratio.std([0]).div(Math.Sqrt(Draws));

        // the standard error comes from the log densities under test, so it may not exceed the
        // closed-form sd of the log ratio over √Draws (KLPairs); its own sampling error is at most
        // a few percent here: these log ratios are quadratics in Gaussians or linear in log-gamma and
        // gamma variables, with kurtosis below MaxKurtosis
        var variances = KLPairs.LogRatioVariances[name]();
        var errors = standardError.flatten().data<double>().ToArray();
        Assert.Equal(variances.Length, errors.Length);
        for (int i = 0; i < errors.Length; i++)
        {
            StandardErrorCeiling.Check(errors[i], StandardErrorCeiling.OfMean(variances[i], Draws, MaxKurtosis) + 1e-12, $"{name}[{i}]");
        }

        // five standard errors: a correct closed form fails about once in a million element checks
        var tolerance = standardError.mul(5).add(1e-9);
        var gap = kl.sub(mean).abs();
        Assert.True(
            gap.le(tolerance).all().item<bool>(),
            $"{name}: closed form [{string.Join(", ", kl.flatten().data<double>().ToArray())}] vs Monte Carlo [{string.Join(", ", mean.flatten().data<double>().ToArray())}] ± [{string.Join(", ", standardError.flatten().data<double>().ToArray())}]");
        Assert.True(kl.ge(-1e-12).all().item<bool>(), $"{name}: negative KL");
    }

    [Fact]
    public void KLOfADistributionWithItselfIsZero()
    {
        using var scope = NewDisposeScope();
        foreach (var (name, make) in KLPairs.All)
        {
            var (p, _) = make();
            if (p is Delta)
            {
                continue; // KL(δ ‖ δ) is −log δ(v) = +∞ by convention of densities, not 0
            }

            var kl = KL.Divergence(p, p);
            Assert.True(kl.abs().le(1e-10).all().item<bool>(), $"{name}: KL(p ‖ p) = {kl.abs().max().item<double>()}");
        }
    }

    [Fact]
    public void DeltaAgainstAnyIsMinusTheLogDensityAtThePoint()
    {
        using var scope = NewDisposeScope();
        var v = tensor(new[] { 0.3, -1.2 }, dtype: float64);
        var q = new Normal(tensor(new[] { 0.0, 1.0 }, dtype: float64), tensor(new[] { 2.0, 0.5 }, dtype: float64));
        var kl = KL.Divergence(new Delta(v), q);
        double[] expected = [.. new[] { (0.3, 0.0, 2.0), (-1.2, 1.0, 0.5) }.Select(t => -MathNet.Numerics.Distributions.Normal.PDFLn(t.Item2, t.Item3, t.Item1))];
        Assert.Equal(expected[0], kl[0].item<double>(), 12);
        Assert.Equal(expected[1], kl[1].item<double>(), 12);
    }

    [Fact]
    public void MaskedEntriesContributeZero()
    {
        using var scope = NewDisposeScope();
        var p = new Normal(tensor(new[] { 0.0, 1.0, 2.0 }, dtype: float64), 1.0);
        var q = new Normal(zeros(3, dtype: float64), 2.0);
        var kl = KL.Divergence(p.Mask(tensor(new[] { true, false, true })), q);
        var full = KL.Divergence(p, q);
        Assert.Equal(0.0, kl[1].item<double>());
        Assert.Equal(full[2].item<double>(), kl[2].item<double>(), 12);
    }

    [Fact]
    public void UnregisteredPairThrowsNamingBothTypes()
    {
        using var scope = NewDisposeScope();
        var p = new Normal(0.0, 1.0);
        var q = Bernoulli.FromProbs(tensor(0.5));
        var e = Assert.Throws<NotSupportedException>(() => KL.Divergence(p, q));
        Assert.Contains("Normal", e.Message, StringComparison.Ordinal);
        Assert.Contains("Bernoulli", e.Message, StringComparison.Ordinal);
        Assert.False(KL.HasClosedForm(p, q));
    }

    [Fact]
    public void MismatchedEventShapesThrow()
    {
        using var scope = NewDisposeScope();
        var p = new Normal(zeros(3), ones(3)).ToEvent(1);
        var q = new Normal(zeros(3), ones(3));
        Assert.Throws<ArgumentException>(() => KL.Divergence(p, q));
    }

    [Fact]
    public void UserRulesTakePrecedenceForTheirPairAndAreFoundForSubtypes()
    {
        using var scope = NewDisposeScope();
        KL.Register<Unit, Unit>((a, b) => a.LogFactor.sub(b.LogFactor));
        var kl = KL.Divergence(new Unit(tensor(new[] { 3.0 })), new Unit(tensor(new[] { 1.0 })));
        Assert.Equal(2.0, kl[0].item<double>());
    }
}
