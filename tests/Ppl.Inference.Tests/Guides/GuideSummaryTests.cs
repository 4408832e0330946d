using Ppl.Distributions;
using Ppl.Inference.Guides;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Inference.Guides;

/// <summary><c>guide.Summary(args)</c>: each site's median and 90% interval, from the guide's parameters by the normal quantile function, printed as a table.</summary>
[Collection("Sequential")]
public sealed class GuideSummaryTests
{
    private static Tensor Model(int unused)
    {
        Sample("rate", new Gamma(3.0, 2.0));
        using var plate = Plate("data", 3);
        return Sample("z", new Normal(0.0, 1.0));
    }

    [Fact]
    public void SummaryHoldsAndPrintsTheMedianAndTheCentralInterval()
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using var guide = new AutoNormal<int>(Model) { ParamStore = store };
        guide.Median(0); // creates the parameters
        store.SetUnconstrained("AutoNormal.locs.rate", tensor(0.3f));
        store.SetUnconstrained("AutoNormal.scales.rate", tensor((float)Math.Log(0.5)));
        store.SetUnconstrained("AutoNormal.locs.z", tensor(new[] { 1f, -2f, 0.5f }));
        store.SetUnconstrained("AutoNormal.scales.z", tensor(new[] { 0.2f, 1f, 3f }).log());

        var summary = guide.Summary(0);
        Assert.Equal(0.05, summary.LowerLevel, 12);
        Assert.Equal(0.95, summary.UpperLevel, 12);
        string printed = CommaDecimalCulture.Run(summary.ToString);
        Assert.StartsWith("AutoNormal posterior: median and central 90% interval per element\n", printed, StringComparison.Ordinal);
        Assert.Contains("median", printed, StringComparison.Ordinal);
        Assert.Contains("5%", printed, StringComparison.Ordinal);
        Assert.Contains("95%", printed, StringComparison.Ordinal);

        // rate = exp(N(0.3, 0.5²)): quantiles are exp of the normal's
        double[] rate = [Math.Exp(0.3), Math.Exp(MathNormal.InvCDF(0.3, 0.5, 0.05)), Math.Exp(MathNormal.InvCDF(0.3, 0.5, 0.95))];
        var rateSummary = summary["rate"];
        Assert.Equal(rate[0], rateSummary.Median.item<float>(), 5);
        Assert.Equal(rate[1], rateSummary.Lower.item<float>(), 5);
        Assert.Equal(rate[2], rateSummary.Upper.item<float>(), 5);
        Assert.Equal(["[]", .. rate.Select(v => TensorFormat.Number(v))], PrintedTable.Cells(printed, "rate", 4));

        double[] loc = [1, -2, 0.5], sd = [0.2, 1, 3];
        Assert.Equal([3L], summary["z"].Shape);
        for (int i = 0; i < 3; i++)
        {
            string[] expected = [.. new[] { 0.5, 0.05, 0.95 }.Select(q => TensorFormat.Number(MathNormal.InvCDF(loc[i], sd[i], q)))];
            Assert.Equal(expected, PrintedTable.Cells(printed, $"z[{i}]", 3));
        }

        Assert.Throws<KeyNotFoundException>(() => summary["nope"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => guide.Summary(0, interval: 1.0));
        Assert.StartsWith("AutoNormal posterior: median and central 50% interval", guide.Summary(0, interval: 0.5).ToString(), StringComparison.Ordinal);
    }
}
