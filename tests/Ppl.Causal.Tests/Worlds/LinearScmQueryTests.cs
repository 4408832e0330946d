using Ppl.Causal;
using Ppl.Inference;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Worlds;

[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class LinearScmQueryTests
{
    private const int Draws = 20_000;
    private static readonly LinearScm Scm = new();

    private static Dictionary<string, Intervention> DoX(double x) => new() { ["x"] = x };

    [Fact]
    public void InterventionalMeanMatchesTheClosedForm()
    {
        using var scope = NewDisposeScope();
        const double x0 = 1.5;
        var estimate = CausalQueries.Interventional<bool>(Scm.Model, false, DoX(x0), "z", Draws, seed: 1);

        // E[Z | do(X = x0)] = δβx0: the confounder keeps its prior
        double exact = Scm.Delta * Scm.Beta * x0;
        StandardErrorCeiling.Check(estimate.StandardError, StandardErrorCeiling.OfMean(InterventionalVariance(), Draws), "E[Z | do(X)]");
        Assert.InRange(estimate.Value, exact - (5 * estimate.StandardError), exact + (5 * estimate.StandardError));
        Assert.Equal(Draws, estimate.EffectiveSampleSize, 6);
    }

    /// <summary>Var[Z | do(X = x0)] = δ²(γ² + σy²) + σz²: the confounder keeps its prior and the noise adds up along Y → Z.</summary>
    private static double InterventionalVariance() =>
        (Scm.Delta * Scm.Delta * ((Scm.Gamma * Scm.Gamma) + (Scm.SigmaY * Scm.SigmaY))) + (Scm.SigmaZ * Scm.SigmaZ);

    [Fact]
    public void InterventionalVarianceMatchesTheClosedForm()
    {
        using var scope = NewDisposeScope();
        const double x0 = -0.5;
        Func<bool, object?> model = Scm.Model;
        using var draws = new Importance<bool>(model.Intervene(DoX(x0)).SingleWorldCounterfactual(), null, Draws, parallel: true).Run(false, seed: 2);
        var z = draws["z"].to(float64);
        double variance = z.var().item<double>();

        // Var[Z | do(X = x0)] = δ²(γ² + σy²) + σz²; the sample variance of n normal draws has sd σ²·√(2/(n−1))
        double exact = InterventionalVariance();
        double tolerance = 5 * exact * Math.Sqrt(2.0 / (Draws - 1));
        Assert.InRange(variance, exact - tolerance, exact + tolerance);
        Assert.True(draws["x"].eq(x0).all().item<bool>(), "x is set by the intervention in every draw");
    }

    [Fact]
    public void SeeingDiffersFromDoingUnderConfounding()
    {
        using var scope = NewDisposeScope();
        const double x0 = 1.0;
        Func<bool, object?> model = Scm.Model;
        using var seen = new Importance<bool>(model.Condition(new Dictionary<string, Tensor> { ["x"] = tensor(x0, dtype: float64) }), null, Draws, parallel: true).Run(false, seed: 3);
        double observational = seen.Mean("z").item<double>();
        double ess = seen.EffectiveSampleSize.item<double>();
        var interventional = CausalQueries.Interventional<bool>(Scm.Model, false, DoX(x0), "z", Draws, seed: 4);

        // E[Z | X = x0] = δ(βx0 + γ·E[U | X = x0]), E[U | X = x0] = αx0 / (α² + σx²)
        var (mean, cov) = Scm.Condition([3], [1], [x0]);
        double sd = Math.Sqrt(cov[0, 0]);

        // the tolerance's √ESS comes from the weights: bound it below by the limit of Kish's ESS
        double essFloor = Scm.LikelihoodWeightingEss([1], [x0], Draws) / (StandardErrorCeiling.WeightedHeadroom * StandardErrorCeiling.WeightedHeadroom);
        Assert.True(ess >= essFloor, $"ESS {ess:F0} is below the theory's floor {essFloor:F0}");
        double interventionalCeiling = StandardErrorCeiling.OfMean(InterventionalVariance(), Draws);
        StandardErrorCeiling.Check(interventional.StandardError, interventionalCeiling, "E[Z | do(X)]");
        double observationalTolerance = 5 * sd / Math.Sqrt(ess);
        Assert.InRange(observational, mean[0] - observationalTolerance, mean[0] + observationalTolerance);

        // the separation in absolute terms: against the widest tolerance the ESS floor allows and the
        // interventional error's ceiling, not against what this run reports
        double separation = 10 * ((5 * sd / Math.Sqrt(essFloor)) + interventionalCeiling);
        Assert.True(
            Math.Abs(observational - interventional.Value) > separation,
            $"observational {observational} vs interventional {interventional}: closer than {separation:G3}");
    }

    [Fact]
    public void TwinWorldCounterfactualMeanMatchesGaussianConditioning()
    {
        using var scope = NewDisposeScope();
        const double xObs = 0.8, zObs = 1.1, xCf = -1.0;
        var evidence = new Dictionary<string, Tensor> { ["x"] = tensor(xObs, dtype: float64), ["z"] = tensor(zObs, dtype: float64) };
        var estimate = CausalQueries.Counterfactual<bool>(Scm.Model, false, evidence, DoX(xCf), "y", Draws, seed: 5);

        // Y_cf = βx' + γU + ε_y = Y + β(x' − x): the shared noise γU + ε_y is abducted from (x, z)
        var (mean, _) = Scm.Condition([2], [1, 3], [xObs, zObs]);
        double exact = mean[0] + (Scm.Beta * (xCf - xObs));
        double ceiling = StandardErrorCeiling.OfWeightedMean(Scm.LikelihoodWeightingVariance(2, [1, 3], [xObs, zObs]), Draws);
        StandardErrorCeiling.Check(estimate.StandardError, ceiling, "E[Y_cf | x, z]");
        Assert.InRange(estimate.Value, exact - (5 * estimate.StandardError), exact + (5 * estimate.StandardError));
        Assert.True(estimate.EffectiveSampleSize < Draws, "evidence weights the draws");
    }

    [Fact]
    public void FullEvidenceMakesTheCounterfactualDeterministic()
    {
        using var scope = NewDisposeScope();
        const double xObs = 0.3, yObs = -0.4, zObs = 0.9, xCf = 2.0;
        var evidence = new Dictionary<string, Tensor>
        {
            ["x"] = tensor(xObs, dtype: float64),
            ["y"] = tensor(yObs, dtype: float64),
            ["z"] = tensor(zObs, dtype: float64),
        };
        var estimate = CausalQueries.Counterfactual<bool>(Scm.Model, false, evidence, DoX(xCf), "z", 200, seed: 6);

        // additive noise: Z_cf = z + δβ(x' − x) whatever U is
        double exact = zObs + (Scm.Delta * Scm.Beta * (xCf - xObs));
        Assert.Equal(exact, estimate.Value, 10);
        Assert.True(estimate.StandardError < 1e-10, $"standard error {estimate.StandardError}");
    }

    [Fact]
    public void AteIsPairedAndMatchesTheClosedForm()
    {
        using var scope = NewDisposeScope();
        var estimate = CausalQueries.Ate<bool>(Scm.Model, false, "x", 1.0, -1.0, "z", 2_000, seed: 7);

        // ATE on Z of x: 1 vs −1 is 2δβ for every unit: shared noise makes each paired difference exact
        Assert.Equal(2 * Scm.Delta * Scm.Beta, estimate.Value, 10);
        Assert.True(estimate.StandardError < 1e-10);
    }

    [Fact]
    public void BackdoorAdjustmentOnTheConfounderRecoversTheInterventionalMean()
    {
        using var scope = NewDisposeScope();
        const double x0 = 1.0;
        const int draws = 2_000, innerDraws = 64;
        var estimate = CausalQueries.Backdoor<bool>(Scm.Model, false, "x", tensor(x0, dtype: float64), ["u"], "z", draws, innerDraws, seed: 8);
        double exact = Scm.Delta * Scm.Beta * x0;

        // given x and u every inner draw has the same weight, so a draw's inner estimate is δ(βx0 + γu)
        // plus the mean of innerDraws noises of variance δ²σy² + σz², and u keeps its prior
        double perDrawVariance = (Scm.Delta * Scm.Delta * Scm.Gamma * Scm.Gamma) + (((Scm.Delta * Scm.Delta * Scm.SigmaY * Scm.SigmaY) + (Scm.SigmaZ * Scm.SigmaZ)) / innerDraws);
        StandardErrorCeiling.Check(estimate.StandardError, StandardErrorCeiling.OfMean(perDrawVariance, draws), "backdoor on {u}");
        Assert.InRange(estimate.Value, exact - (5 * estimate.StandardError), exact + (5 * estimate.StandardError));

        // with no adjustment each outer draw's inner estimate is the likelihood-weighted E[Z | X = x0] over
        // its 2000 draws, with variance (n × the weighted mean's variance)/2000 and near-Gaussian by the
        // central limit; the outer draws are independent. The separation from the interventional mean is
        // then measured against that ceiling, not against the error the estimate reports
        const int naiveDraws = 200, naiveInner = 2_000;
        var naive = CausalQueries.Backdoor<bool>(Scm.Model, false, "x", tensor(x0, dtype: float64), [], "z", naiveDraws, naiveInner, seed: 9);
        var (observational, _) = Scm.Condition([3], [1], [x0]);
        double naiveCeiling = StandardErrorCeiling.OfMean(Scm.LikelihoodWeightingVariance(3, [1], [x0]) / naiveInner, naiveDraws);
        StandardErrorCeiling.Check(naive.StandardError, naiveCeiling, "backdoor on {}");
        Assert.InRange(naive.Value, observational[0] - (5 * naive.StandardError), observational[0] + (5 * naive.StandardError));
        Assert.True(Math.Abs(naive.Value - exact) > 10 * naiveCeiling, $"an empty adjustment set is the observational mean: {naive}");
    }
}
