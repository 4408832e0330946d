using Ppl.Inference;
using Xunit.Abstractions;
using static Ppl.Tests.Inference.Importance.ConjugateModels;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Importance;

[Collection("Sequential")]
public sealed class ImportanceTests(ITestOutputHelper output)
{
    private static Tensor NormalX() => tensor(NormalData, dtype: ScalarType.Float64);

    private static Tensor FlipsX() => tensor(Flips, dtype: ScalarType.Float64);

    /// <summary>The delta-method standard error of log(mean w): sd(w) / (mean(w) √N), from the weights themselves.</summary>
    private static double LogMeanStandardError(Tensor logWeights)
    {
        var lw = logWeights.to(ScalarType.Float64).data<double>().ToArray();
        double max = lw.Max();
        var w = lw.Select(v => Math.Exp(v - max)).ToArray();
        double mean = w.Average();
        double sd = Math.Sqrt(w.Sum(v => (v - mean) * (v - mean)) / (w.Length - 1));
        return sd / (mean * Math.Sqrt(w.Length));
    }

    private void AssertWithinFiveStandardErrors(ImportanceResult result, double truth, string label)
    {
        double estimate = result.LogEvidence.item<double>();
        double se = LogMeanStandardError(result.LogWeights);
        output.WriteLine($"{label}: log Z = {estimate:F6}, truth {truth:F6}, error {estimate - truth:E3}, se {se:E3}, ESS {result.EffectiveSampleSize.item<double>():F1}");
        Assert.True(se > 0);
        Assert.True(Math.Abs(estimate - truth) < 5 * se, $"{label}: |{estimate} − {truth}| ≥ 5 × {se}");
    }

    [Theory]
    [InlineData(false, 3000)]
    [InlineData(true, 20000)]
    public void PriorProposalEstimatesTheNormalNormalEvidence(bool parallel, int n)
    {
        using var scope = NewDisposeScope();
        var result = new Importance<Tensor>(NormalModel, null, n, parallel: parallel).Run(NormalX(), seed: 1);
        Assert.Equal([(long)n], result.LogWeights.shape);
        AssertWithinFiveStandardErrors(result, NormalLogEvidence(), $"normal–normal, prior, parallel={parallel}");

        // weighted posterior mean: standard error ≈ posterior sd / √ESS
        var (postMean, postSd) = NormalPosterior();
        double ess = result.EffectiveSampleSize.item<double>();
        double mean = result.Mean("mu").item<double>();
        output.WriteLine($"  E[mu|x] = {mean:F4} vs {postMean:F4} (se {postSd / Math.Sqrt(ess):E2})");
        Assert.True(Math.Abs(mean - postMean) < 5 * postSd / Math.Sqrt(ess));
        Assert.InRange(result.EffectiveSampleSizeFraction.item<double>(), 1.0 / n, 1.0);
    }

    [Theory]
    [InlineData(false, 200)]
    [InlineData(true, 2000)]
    public void ExactPosteriorProposalGivesZeroVarianceWeights(bool parallel, int n)
    {
        using var scope = NewDisposeScope();
        var result = new Importance<Tensor>(NormalModel, NormalPosteriorGuide, n, parallel: parallel).Run(NormalX(), seed: 2);
        double truth = NormalLogEvidence();
        double estimate = result.LogEvidence.item<double>();
        double ess = result.EffectiveSampleSize.item<double>();
        output.WriteLine($"normal–normal, exact guide, parallel={parallel}: error {estimate - truth:E3}, ESS {ess} of {n}");
        Assert.Equal(truth, estimate, 1e-6);
        Assert.Equal(n, ess, 1e-6 * n);
        Assert.Equal(1.0, result.EffectiveSampleSizeFraction.item<double>(), 1e-6);
    }

    [Fact]
    public void PriorProposalEstimatesTheBetaBernoulliEvidence()
    {
        using var scope = NewDisposeScope();
        var result = new Importance<Tensor>(BetaBernoulliModel, null, 20000, parallel: true).Run(FlipsX(), seed: 3);
        AssertWithinFiveStandardErrors(result, BetaBernoulliLogEvidence(), "beta–bernoulli, prior");
    }

    [Fact]
    public void ExactBetaPosteriorProposalIsExact()
    {
        using var scope = NewDisposeScope();
        var result = new Importance<Tensor>(BetaBernoulliModel, BetaPosteriorGuide, 500, parallel: true).Run(FlipsX(), seed: 4);
        double error = result.LogEvidence.item<double>() - BetaBernoulliLogEvidence();
        output.WriteLine($"beta–bernoulli, exact guide: error {error:E3}");
        Assert.Equal(0, error, 1e-6);
        Assert.Equal(500, result.EffectiveSampleSize.item<double>(), 1e-6 * 500);
    }

    [Fact]
    public void ResampleDrawsFromTheWeightedPosterior()
    {
        using var scope = NewDisposeScope();
        var result = new Importance<Tensor>(NormalModel, null, 20000, parallel: true).Run(NormalX(), seed: 5);
        using var generator = new Generator(7);
        const int draws = 4000;
        var mu = result.Resample(draws, generator)["mu"];
        Assert.Equal([(long)draws], mu.shape);

        // the resampled mean has the weighted-mean error plus the resampling error
        var (postMean, postSd) = NormalPosterior();
        double ess = result.EffectiveSampleSize.item<double>();
        double se = postSd * Math.Sqrt((1 / ess) + (1.0 / draws));
        double mean = mu.mean().item<double>();
        output.WriteLine($"resampled E[mu|x] = {mean:F4} vs {postMean:F4} (se {se:E2})");
        Assert.True(Math.Abs(mean - postMean) < 5 * se);

        var indices = result.ResampleIndices(100, generator);
        Assert.Equal([100L], indices.shape);
        Assert.InRange(indices.min().item<long>(), 0, 19999);
        Assert.InRange(indices.max().item<long>(), 0, 19999);
    }

    [Fact]
    public void SeedGivesIdenticalWeights()
    {
        using var scope = NewDisposeScope();
        var importance = new Importance<Tensor>(NormalModel, null, 50);
        var a = importance.Run(NormalX(), seed: 9);
        var b = importance.Run(NormalX(), seed: 9);
        Assert.True(a.LogWeights.allclose(b.LogWeights, rtol: 0, atol: 0));
        Assert.True(a["mu"].allclose(b["mu"], rtol: 0, atol: 0));
        Assert.Equal(["mu"], a.Sites);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RunsOnMeta(bool parallel)
    {
        using var scope = NewDisposeScope();
        var x = zeros(6, dtype: ScalarType.Float64, device: device("meta"));
        var result = new Importance<Tensor>(NormalModel, NormalPosteriorGuide, 7, parallel: parallel).Run(x, seed: 0);
        Assert.Equal([7L], result.LogWeights.shape);
        Assert.Equal(DeviceType.META, result.LogWeights.device.type);
        Assert.Empty(result.LogEvidence.shape);
        Assert.Empty(result.EffectiveSampleSize.shape);
        Assert.Empty(result.EffectiveSampleSizeFraction.shape);
        Assert.Equal([7L], result["mu"].shape);
        Assert.Empty(result.Mean("mu").shape);
        Assert.Equal([5L], result.Resample(5)["mu"].shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RepeatedRunsKeepTheTensorCountFlat(bool parallel)
    {
        using var x = NormalX();
        var prior = new Importance<Tensor>(NormalModel, null, 10, parallel: parallel);
        var guided = new Importance<Tensor>(NormalModel, NormalPosteriorGuide, 10, parallel: parallel);
        using (NewDisposeScope())
        {
            prior.Run(x, seed: 0);
        }

        long before = LiveTensors.Count();
        for (int i = 0; i < 5; i++)
        {
            using var scope = NewDisposeScope();
            var a = prior.Run(x, seed: i);
            a.Mean("mu");
            a.Resample(3);
            using var b = guided.Run(x);
        }

        Assert.Equal(before, LiveTensors.Count());
    }
}
