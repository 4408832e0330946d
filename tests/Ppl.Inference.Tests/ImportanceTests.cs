using Ppl.Inference;
using Xunit.Abstractions;
using static Ppl.Testing.ConjugateModels.WithPosteriorGuides;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

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

    /// <summary>
    /// Moments of the normalized weight w = π/q under the proposal, E_q[wᵐ] = ∫ πᵐ q¹⁻ᵐ, by the
    /// midpoint rule on [<paramref name="from"/>, <paramref name="to"/>] from the two log densities
    /// (MathNet's): m = 2 gives E_π[π/q], so Var_q(w) = M₂ − 1 and Kish's ESS of n draws tends to n/M₂.
    /// </summary>
    private static double WeightMoment(Func<double, double> logTarget, Func<double, double> logProposal, int m, double from, double to)
    {
        const int cells = 200_000;
        double h = (to - from) / cells, sum = 0;
        for (int i = 0; i < cells; i++)
        {
            double z = from + ((i + 0.5) * h);
            sum += Math.Exp((m * logTarget(z)) + ((1 - m) * logProposal(z))) * h;
        }

        return sum;
    }

    private static double[] NormalWeightMoments()
    {
        var (mean, sd) = NormalPosterior();
        return [.. Enumerable.Range(0, 5).Select(m => WeightMoment(z => MathNet.Numerics.Distributions.Normal.PDFLn(mean, sd, z), z => MathNet.Numerics.Distributions.Normal.PDFLn(0, Tau, z), m, -12 * Tau, 12 * Tau))];
    }

    private static double[] BetaWeightMoments()
    {
        double k = Flips.Sum();
        return [.. Enumerable.Range(0, 5).Select(m => WeightMoment(z => MathNet.Numerics.Distributions.Beta.PDFLn(A + k, B + Flips.Length - k, z), z => MathNet.Numerics.Distributions.Beta.PDFLn(A, B, z), m, 0, 1))];
    }

    /// <summary>
    /// The ceiling of <see cref="LogMeanStandardError"/>: √((M₂ − 1)/n), the sd of n weights over
    /// their mean, raised by five sds of the sample sd's relative error (from the weights' kurtosis
    /// (M₄ − 4M₃ + 6M₂ − 3)/(M₂ − 1)²) and of the sample mean's, √((M₂ − 1)/n).
    /// </summary>
    private static double LogMeanStandardErrorCeiling(double[] moments, int n)
    {
        double variance = moments[2] - 1;
        double kurtosis = (moments[4] - (4 * moments[3]) + (6 * moments[2]) - 3) / (variance * variance);
        return StandardErrorCeiling.OfMean(variance, n, kurtosis) * (1 + (5 * Math.Sqrt(variance / n)));
    }

    /// <summary>Kish's ESS may fall below its limit n/M₂ by no more than <see cref="StandardErrorCeiling.WeightedHeadroom"/>², so a tolerance of k·sd/√ESS has the ceiling k·sd·headroom·√(M₂/n).</summary>
    private static void AssertEssFloor(double ess, double[] moments, int n)
    {
        double floor = n / moments[2] / (StandardErrorCeiling.WeightedHeadroom * StandardErrorCeiling.WeightedHeadroom);
        Assert.True(ess >= floor, $"ESS {ess:F0} of {n} is below the theory's floor {floor:F0}");
    }

    private void AssertWithinFiveStandardErrors(ImportanceResult result, double truth, double[] moments, string label)
    {
        double estimate = result.LogEvidence.item<double>();
        double se = LogMeanStandardError(result.LogWeights);
        output.WriteLine($"{label}: log Z = {estimate:F6}, truth {truth:F6}, error {estimate - truth:E3}, se {se:E3}, ESS {result.EffectiveSampleSize.item<double>():F1} (limit {result.LogWeights.shape[0] / moments[2]:F1})");
        Assert.True(se > 0);
        StandardErrorCeiling.Check(se, LogMeanStandardErrorCeiling(moments, (int)result.LogWeights.shape[0]), label);
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
        var moments = NormalWeightMoments();
        AssertWithinFiveStandardErrors(result, NormalLogEvidence(), moments, $"normal–normal, prior, parallel={parallel}");

        // weighted posterior mean: standard error ≈ posterior sd / √ESS
        var (postMean, postSd) = NormalPosterior();
        double ess = result.EffectiveSampleSize.item<double>();
        AssertEssFloor(ess, moments, n);
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

    /// <summary>
    /// Float32 log-weights of a large data set are about −4·10⁵, where a float32 step is 0.03: a
    /// log-sum-exp normalization rounds every weight by up to 1.5%, and the weights stop summing to 1
    /// (a causal effect came out 0.57% too large). Equal log-weights must give exactly equal weights.
    /// </summary>
    [Fact]
    public void NormalizedWeightsOfHugeFloat32LogWeightsSumToOne()
    {
        using var scope = NewDisposeScope();
        static object? Model(Tensor y) => Primitives.Sample("y", new Ppl.Distributions.Normal(zeros_like(y), 1.0), obs: y);
        using var result = new Importance<Tensor>(Model, null, 3, parallel: true).Run(full(200_000, 1.5f), seed: 0);
        Assert.True(result.LogWeights.max().item<float>() < -3e5f);
        var weights = result.NormalizedWeights.to(ScalarType.Float64);
        Assert.Equal(1.0, weights.sum().item<double>(), 1e-6);
        Assert.Equal(1.0 / 3, weights.max().item<double>(), 1e-7);
        Assert.Equal(1.0 / 3, weights.min().item<double>(), 1e-7);
    }

    [Fact]
    public void PriorProposalEstimatesTheBetaBernoulliEvidence()
    {
        using var scope = NewDisposeScope();
        var result = new Importance<Tensor>(BetaBernoulliModel, null, 20000, parallel: true).Run(FlipsX(), seed: 3);
        AssertWithinFiveStandardErrors(result, BetaBernoulliLogEvidence(), BetaWeightMoments(), "beta–bernoulli, prior");
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
        AssertEssFloor(ess, NormalWeightMoments(), 20000);
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
