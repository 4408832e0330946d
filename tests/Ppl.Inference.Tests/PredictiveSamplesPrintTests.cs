using Ppl.Inference;
using static Ppl.Tests.Inference.PredictiveModels;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>Predictive draws print as a table of each site's shape and per-element mean and sd, and still read as a dictionary.</summary>
[Collection("Sequential")]
public sealed class PredictiveSamplesPrintTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static double[] Host(Tensor t) => t.to(ScalarType.Float64).contiguous().cpu().data<double>().ToArray();

    private static (double Mean, double Sd) Moments(double[] x)
    {
        double mean = x.Average();
        return (mean, Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1)));
    }

    [Fact]
    public void PrintsEachSitesShapeMeanAndSdPerElement()
    {
        using var scope = NewDisposeScope();
        using var store = FittedStore();
        const int n = 400;
        var draws = new Predictive<Tensor>(Model, Guide, n, parallel: true, paramStore: store).Sample(zeros(3), seed: 2);
        string printed = draws.ToString();
        Assert.StartsWith($"PredictiveSamples: {n} draws per site\n", printed, StringComparison.Ordinal);

        var (muMean, muSd) = Moments(Host(draws["mu"]));
        Assert.Equal([TensorFormat.Number(muMean), TensorFormat.Number(muSd)], PrintedTable.Cells(printed, "mu", 2));
        Assert.Equal([400L, 1L], draws["mu"].shape); // Pyro's padding up to the plate nesting, shown as it is
        Assert.Contains(" [400, 1] ", PrintedTable.Row(printed, "mu"), StringComparison.Ordinal);
        output.WriteLine(printed);

        // y is [400, 3]: one row per unit, the draw dim summarized
        var y = Host(draws["y"]);
        for (int unit = 0; unit < 3; unit++)
        {
            var (mean, sd) = Moments([.. Enumerable.Range(0, n).Select(i => y[(3 * i) + unit])]);
            Assert.Equal([TensorFormat.Number(mean), TensorFormat.Number(sd)], PrintedTable.Cells(printed, $"y[{unit}]", 2));
        }

        Assert.Equal(CommaDecimalCulture.Run(draws.ToString), printed);
    }

    [Fact]
    public void TheDrawsStillReadAsADictionary()
    {
        using var scope = NewDisposeScope();
        using var store = FittedStore();
        var draws = new Predictive<Tensor>(Model, Guide, 5, paramStore: store).Sample(zeros(2), seed: 1);
        Assert.IsAssignableFrom<IReadOnlyDictionary<string, Tensor>>(draws);
        Assert.Equal(["cond_mean", "mu", "twice", "y"], draws.Keys.Order(StringComparer.Ordinal));
        Assert.True(draws.TryGetValue("y", out var y));
        Assert.Equal([5L, 2L], y!.shape);
        var missing = Assert.Throws<KeyNotFoundException>(() => draws["nope"]);
        Assert.Contains("mu", missing.Message, StringComparison.Ordinal);
    }
}
