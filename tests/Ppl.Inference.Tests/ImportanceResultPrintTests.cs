using Ppl.Distributions;
using Ppl.Inference;
using static Ppl.Primitives;
using static Ppl.Testing.ConjugateModels.WithPosteriorGuides;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>What <c>Console.WriteLine(result)</c> shows for importance draws: the numbers, recomputed here from the raw weights and draws.</summary>
[Collection("Sequential")]
public sealed class ImportanceResultPrintTests
{
    private static double[] Host(Tensor t) => t.to(ScalarType.Float64).contiguous().cpu().data<double>().ToArray();

    [Fact]
    public void PrintsDrawsEvidenceEssAndEachSitesWeightedMeanAndSd()
    {
        using var scope = NewDisposeScope();
        const int n = 3000;
        using var result = new Importance<Tensor>(NormalModel, null, n, parallel: true).Run(tensor(NormalData, dtype: ScalarType.Float64), seed: 3);
        string printed = result.ToString();

        // the same numbers from the raw log-weights and draws, on the host
        double[] lw = Host(result.LogWeights), mu = Host(result["mu"]);
        double max = lw.Max();
        double[] w = [.. lw.Select(v => Math.Exp(v - max))];
        double total = w.Sum();
        double logEvidence = max + Math.Log(total / n);
        double ess = total * total / w.Sum(v => v * v);
        double mean = mu.Zip(w).Sum(p => p.First * p.Second) / total;
        double sd = Math.Sqrt(mu.Zip(w).Sum(p => p.Second * (p.First - mean) * (p.First - mean)) / total);

        string header = printed.Split('\n')[0];
        Assert.StartsWith($"ImportanceResult: {n} draws, log evidence {TensorFormat.Number(logEvidence, 6)}, ESS {TensorFormat.Number(ess, 6)} ({TensorFormat.Number(100 * ess / n, 3)}%", header, StringComparison.Ordinal);
        Assert.Equal(["[]", TensorFormat.Number(mean), TensorFormat.Number(sd)], PrintedTable.Cells(printed, "mu", 3));

        // and the numbers are the closed-form posterior's, so the printout is worth reading
        var (exactMean, exactSd) = NormalPosterior();
        Assert.InRange(mean, exactMean - (5 * exactSd / Math.Sqrt(ess)), exactMean + (5 * exactSd / Math.Sqrt(ess)));
    }

    [Fact]
    public void PrintingIgnoresACommaDecimalCulture()
    {
        using var scope = NewDisposeScope();
        using var result = new Importance<Tensor>(NormalModel, null, 200, parallel: true).Run(tensor(NormalData, dtype: ScalarType.Float64), seed: 4);
        string invariant = result.ToString();
        Assert.Equal(invariant, CommaDecimalCulture.Run(result.ToString));
        Assert.Contains(TensorFormat.Number(result.Mean("mu").item<double>()), invariant, StringComparison.Ordinal);
        Assert.Contains('.', PrintedTable.Cells(invariant, "mu", 1)[0]);
    }

    [Fact]
    public void AMetaRunPrintsWithoutReadingValues()
    {
        using var scope = NewDisposeScope();
        var x = tensor(NormalData, dtype: ScalarType.Float64).to(device("meta"));
        using var result = new Importance<Tensor>(NormalModel, null, 50, parallel: true).Run(x, seed: 6);
        Assert.Equal("ImportanceResult: 50 draws (meta: no values)", result.ToString());
        Assert.StartsWith("50 weighted draws of shape [] (meta)", result.Weighted("mu").ToString(), StringComparison.Ordinal);
    }

    private static Tensor ManyLatents(int size)
    {
        using var plate = Plate("units", size);
        return Sample("z", new Normal(0.0, 1.0));
    }

    [Fact]
    public void ABigSiteStaysBounded()
    {
        using var scope = NewDisposeScope();
        using var result = new Importance<int>(ManyLatents, null, 20, parallel: true).Run(100_000, seed: 5);
        string printed = result.ToString();
        var lines = printed.Split('\n');
        Assert.Equal(7, lines.Length); // header, column names, four elements, the count of the rest
        Assert.True(printed.Length < 600, $"{printed.Length} characters:\n{printed}");
        Assert.Contains("99996 more", printed, StringComparison.Ordinal);

        var weighted = result.Weighted("z");
        Assert.Equal([TensorFormat.Number(Host(weighted.Mean())[1]), TensorFormat.Number(Host(weighted.StandardDeviation())[1])], PrintedTable.Cells(printed, "z[1]", 2));
    }
}
