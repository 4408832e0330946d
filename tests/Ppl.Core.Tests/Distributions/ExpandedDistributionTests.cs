using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

[Collection("Sequential")]
public sealed class ExpandedDistributionTests
{
    [Fact]
    public void DrawsAlongExpandedDimsAreIndependentNotRepeated()
    {
        using var scope = NewDisposeScope();

        // Unit has no parameter to expand, so Expand goes through ExpandedDistribution; Normal via
        // the wrapper directly exercises the interstitial-dimension bookkeeping
        var d = new ExpandedDistribution(new Normal(tensor(new[] { 0.0, 100.0 }, dtype: float64).reshape(2, 1), 1.0), [3, 2, 4]);
        var x = d.Sample(new Generator(1, CPU), 5000);
        Assert.Equal([5000, 3, 2, 4], x.shape);

        // the base's batch row 1 (mean 100) stays in row 1 for every expanded index
        Assert.True(x.select(2, 1).mean().sub(100).abs().item<double>() < 0.05);
        Assert.True(x.select(2, 0).mean().abs().item<double>() < 0.05);

        // distinct expanded cells are uncorrelated (independent draws): |corr| within 5/sqrt(n)
        var a = x.select(1, 0).select(1, 0).select(1, 0);
        var b = x.select(1, 2).select(1, 0).select(1, 3);
        double corr = corrcoef(stack([a, b])).data<double>()[1];
        Assert.True(Math.Abs(corr) < 5 / Math.Sqrt(5000), $"correlation {corr}");
    }

    [Fact]
    public void LogProbAndMomentsBroadcastTheBase()
    {
        using var scope = NewDisposeScope();
        var baseD = new Normal(tensor(new[] { 0.0, 1.0 }, dtype: float64), 2.0);
        var d = new ExpandedDistribution(baseD, [4, 2]);
        var v = randn(4, 2, dtype: float64);
        Assert.True(d.LogProb(v).allclose(baseD.LogProb(v)));
        Assert.Equal([4, 2], d.Mean.shape);
        Assert.Equal([4, 2], d.Entropy().shape);
    }

    [Fact]
    public void ExpandingToAnIncompatibleShapeThrowsWithBothShapes()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new ExpandedDistribution(new Normal(zeros(3), ones(3)), [2, 4]));
        Assert.Contains("[3]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 4]", e.Message, StringComparison.Ordinal);
    }
}
