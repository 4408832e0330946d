using Ppl.Causal;
using Ppl.Distributions;
using Ppl.Inference;
using static Ppl.Primitives;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Causal.Queries;

/// <summary>
/// The queries' weighted draws as distributions: in the linear-Gaussian SCM every interventional and
/// counterfactual outcome is Normal with a closed-form mean and variance, so the weighted variance and
/// quantiles are checked against it, within tolerances from theory at a floor of the effective sample size.
/// </summary>
[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class CausalDistributionTests
{
    private const int Draws = 40_000;
    private static readonly LinearScm Scm = new();
    private static readonly double[] Levels = [0.05, 0.5, 0.95];

    private static Dictionary<string, Intervention> DoX(double x) => new() { ["x"] = x };

    /// <summary>The sd of the sample variance of <paramref name="n"/> (effective) normal draws: σ²√(2/n).</summary>
    private static double VarianceTolerance(double variance, double n) => 5 * variance * Math.Sqrt(2 / n);

    /// <summary>The sd of the q-quantile of <paramref name="n"/> (effective) normal draws: √(q(1 − q)/n) / φ(z_q) · σ.</summary>
    private static double QuantileTolerance(double q, double sd, double n) =>
        5 * Math.Sqrt(q * (1 - q) / n) / MathNormal.PDF(0, 1, MathNormal.InvCDF(0, 1, q)) * sd;

    private static void AssertNormal(CausalEstimate estimate, double mean, double variance, double essFloor, string what)
    {
        double sd = Math.Sqrt(variance);
        Assert.True(estimate.EffectiveSampleSize >= essFloor, $"{what}: ESS {estimate.EffectiveSampleSize:F0} is below the theory's floor {essFloor:F0}");
        double tolerance = VarianceTolerance(variance, essFloor);
        Assert.InRange(estimate.Variance, variance - tolerance, variance + tolerance);
        Assert.Equal(Math.Sqrt(estimate.Variance), estimate.StandardDeviation, 12);
        var quantiles = estimate.Quantiles(Levels);
        for (int k = 0; k < Levels.Length; k++)
        {
            double exact = MathNormal.InvCDF(mean, sd, Levels[k]);
            double qTolerance = QuantileTolerance(Levels[k], sd, essFloor);
            Assert.True(Math.Abs(quantiles[k] - exact) <= qTolerance, $"{what}: the {Levels[k]:P0} quantile {quantiles[k]:G6} is not within {qTolerance:G3} of {exact:G6}");
        }

        // the draws' weighted mean is the estimate (no bias correction outside Backdoor)
        Assert.Equal(estimate.Value, estimate.Samples.Mean().item<double>(), 12);
        Assert.Equal(estimate.Draws, estimate.Samples.Count);
    }

    [Fact]
    public void CounterfactualDistributionIsTheShiftedPosteriorOfY()
    {
        using var scope = NewDisposeScope();
        const double xObs = 0.8, zObs = 1.1, xCf = -1.0;
        var evidence = new Dictionary<string, Tensor> { ["x"] = tensor(xObs, dtype: float64), ["z"] = tensor(zObs, dtype: float64) };
        var estimate = CausalQueries.Counterfactual<bool>(Scm.Model, false, evidence, DoX(xCf), "y", Draws, seed: 11);

        // Y_cf = Y + β(x' − x) given the abducted noise: Normal(E[Y | x, z] + β(x' − x), Var[Y | x, z])
        var (mean, cov) = Scm.Condition([2], [1, 3], [xObs, zObs]);
        double essFloor = Scm.LikelihoodWeightingEss([1, 3], [xObs, zObs], Draws) / (StandardErrorCeiling.WeightedHeadroom * StandardErrorCeiling.WeightedHeadroom);
        AssertNormal(estimate, mean[0] + (Scm.Beta * (xCf - xObs)), cov[0, 0], essFloor, "Y_cf | x, z");
    }

    [Fact]
    public void ThreeStepPredictionGivesTheSameCounterfactualDistribution()
    {
        using var scope = NewDisposeScope();
        const double xObs = -0.4, zObs = 0.3, xCf = 1.5;
        var evidence = new Dictionary<string, Tensor> { ["x"] = tensor(xObs, dtype: float64), ["z"] = tensor(zObs, dtype: float64) };
        using var noise = AbductionActionPrediction.AbductByImportance<bool>(Scm.Model, false, evidence, Draws, seed: 12);
        var estimate = AbductionActionPrediction.Predict<bool>(noise, Scm.Model, false, DoX(xCf), "y");

        var (mean, cov) = Scm.Condition([2], [1, 3], [xObs, zObs]);
        double essFloor = Scm.LikelihoodWeightingEss([1, 3], [xObs, zObs], Draws) / (StandardErrorCeiling.WeightedHeadroom * StandardErrorCeiling.WeightedHeadroom);
        AssertNormal(estimate, mean[0] + (Scm.Beta * (xCf - xObs)), cov[0, 0], essFloor, "Y_cf | x, z (three steps)");
        Assert.Equal(noise.EffectiveSampleSize, estimate.EffectiveSampleSize, 6);

        // the abducted confounder's posterior is the Gaussian conditional of U given (x, z)
        var (uMean, uCov) = Scm.Condition([0], [1, 3], [xObs, zObs]);
        var u = noise.Weighted("u");
        double uTolerance = 5 * Math.Sqrt(uCov[0, 0] / essFloor);
        Assert.InRange(u.Mean().item<double>(), uMean[0] - uTolerance, uMean[0] + uTolerance);
        Assert.InRange(u.Variance().item<double>(), uCov[0, 0] - VarianceTolerance(uCov[0, 0], essFloor), uCov[0, 0] + VarianceTolerance(uCov[0, 0], essFloor));
    }

    [Fact]
    public void InterventionalDistributionIsNormalWithTheConfounderAtItsPrior()
    {
        using var scope = NewDisposeScope();
        const double x0 = 1.5;
        var estimate = CausalQueries.Interventional<bool>(Scm.Model, false, DoX(x0), "z", Draws, seed: 13);

        // Z | do(X = x0) = δ(βx0 + γU + ε_y) + ε_z: Normal(δβx0, δ²(γ² + σy²) + σz²); unweighted, so ESS = n
        double variance = (Scm.Delta * Scm.Delta * ((Scm.Gamma * Scm.Gamma) + (Scm.SigmaY * Scm.SigmaY))) + (Scm.SigmaZ * Scm.SigmaZ);
        AssertNormal(estimate, Scm.Delta * Scm.Beta * x0, variance, Draws - 1, "Z | do(X)");
    }

    [Fact]
    public void AteDrawsArePairedDifferencesUnderTheSameNoise()
    {
        using var scope = NewDisposeScope();
        var estimate = CausalQueries.Ate<bool>(Scm.Model, false, "x", 1.0, -0.5, "z", 500, seed: 14);

        // linear SCM: every draw's difference is δβ(a − b) whatever its noise, so the distribution is a point
        double exact = Scm.Delta * Scm.Beta * 1.5;
        Assert.True(estimate.Variance < 1e-20, $"variance {estimate.Variance}");
        Assert.All(estimate.Quantiles(Levels), q => Assert.Equal(exact, q, 10));
        Assert.Equal(500, estimate.Samples.Count);
    }

    [Fact]
    public void BackdoorDrawsCarryTheInterventionalDistribution()
    {
        using var scope = NewDisposeScope();
        const double x0 = 0.7;
        const int outer = 4000, inner = 16;
        var estimate = CausalQueries.Backdoor<bool>(Scm.Model, false, "x", tensor(x0, dtype: float64), ["u"], "z", outer, inner, seed: 15);

        // with {U} every inner draw of an outer draw weighs the same: the draws are Z given x0 and a prior
        // draw of U, i.e. Z | do(X = x0); draws sharing an outer U are dependent, so count only the outer ones
        double variance = (Scm.Delta * Scm.Delta * ((Scm.Gamma * Scm.Gamma) + (Scm.SigmaY * Scm.SigmaY))) + (Scm.SigmaZ * Scm.SigmaZ);
        Assert.Equal(outer * inner, estimate.Samples.Count);
        Assert.Equal(estimate.Value + estimate.BiasCorrection, estimate.Samples.Mean().item<double>(), 10);
        AssertNormal(estimate, Scm.Delta * Scm.Beta * x0, variance, outer, "Z | do(X) by backdoor");
    }

    [Fact]
    public void TheDrawsOutliveTheQueryInTheCallersScope()
    {
        using var scope = NewDisposeScope();
        long before = scope.DisposablesCount;
        var estimate = CausalQueries.Interventional<bool>(Scm.Model, false, DoX(0.5), "z", 100, seed: 16);
        Assert.False(estimate.Samples.Values.IsInvalid);
        Assert.False(estimate.Samples.Weights.IsInvalid);
        Assert.Equal(before + 2, scope.DisposablesCount); // the draws and their weights, and nothing else
    }

    private static object? FloatScm(bool _)
    {
        var u = Sample("u", new Normal(0.0, 1.0));
        var x = Sample("x", new Normal(u, 1.0));
        return Sample("y", new Normal(x.mul(2), 0.5));
    }

    [Fact]
    public void AFloat32ModelReportsItsNumbers()
    {
        using var scope = NewDisposeScope();
        var evidence = new Dictionary<string, Tensor> { ["y"] = tensor(1.0f) };
        using var noise = AbductionActionPrediction.AbductByImportance<bool>(FloatScm, false, evidence, 2000, seed: 17);
        Assert.InRange(noise.EffectiveSampleSize, 1, 2000);
        var estimate = AbductionActionPrediction.Predict<bool>(noise, FloatScm, false, DoX(0.0), "y");
        Assert.True(estimate.Variance > 0);
    }

    [Fact]
    public void AnEstimatePrintsInTheInvariantCulture()
    {
        using var scope = NewDisposeScope();
        var estimate = CausalQueries.Interventional<bool>(Scm.Model, false, DoX(1.5), "z", 2000, seed: 18);
        string printed = CommaDecimalCulture.Run(estimate.ToString);
        var q = estimate.Quantiles(0.05, 0.95);
        string expected = $"{TensorFormat.Number(estimate.Value, 6)} ± {TensorFormat.Number(estimate.StandardError, 3)} (s.e.; n = 2000, ESS = 2000); "
            + $"across draws: sd {TensorFormat.Number(estimate.StandardDeviation)}, 5%–95% [{TensorFormat.Number(q[0])}, {TensorFormat.Number(q[1])}]";
        Assert.Equal(expected, printed);
    }
}
