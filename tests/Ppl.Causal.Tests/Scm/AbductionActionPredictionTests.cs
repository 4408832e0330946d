using Ppl.Causal;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Scm;

[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class AbductionActionPredictionTests
{
    private static readonly LinearScm Scm = new();
    private const double XObs = 0.8, ZObs = 1.1, XCf = -1.0;

    private static Dictionary<string, Tensor> PartialEvidence() => new()
    {
        ["x"] = tensor(XObs, dtype: float64),
        ["z"] = tensor(ZObs, dtype: float64),
    };

    private static Dictionary<string, Intervention> Action() => new() { ["x"] = XCf };

    /// <summary>E[Y_cf | x, z] = E[Y | x, z] + β(x' − x), by Gaussian conditioning.</summary>
    private static double Exact() => Scm.Condition([2], [1, 3], [XObs, ZObs]).Mean[0] + (Scm.Beta * (XCf - XObs));

    [Fact]
    public void ExactAbductionRecoversAdditiveNoiseFromFullEvidence()
    {
        using var scope = NewDisposeScope();
        var evidence = new Dictionary<string, Tensor>(PartialEvidence()) { ["y"] = tensor(-0.2, dtype: float64) };
        using var posterior = AbductionActionPrediction.AbductByImportance<bool>(Scm.Model, false, evidence, 500, seed: 1);
        var estimate = AbductionActionPrediction.Predict<bool>(posterior, Scm.Model, false, Action(), "z");

        // every draw of U gives the same counterfactual: z + δβ(x' − x)
        Assert.Equal(ZObs + (Scm.Delta * Scm.Beta * (XCf - XObs)), estimate.Value, 10);
        Assert.True(estimate.StandardError < 1e-10, $"{estimate}");
    }

    [Fact]
    public void ImportanceAbductionMatchesTheClosedForm()
    {
        using var scope = NewDisposeScope();
        using var posterior = AbductionActionPrediction.AbductByImportance<bool>(Scm.Model, false, PartialEvidence(), 20_000, seed: 2);
        var threeSteps = AbductionActionPrediction.Predict<bool>(posterior, Scm.Model, false, Action(), "y");
        double ceiling = StandardErrorCeiling.OfWeightedMean(Scm.LikelihoodWeightingVariance(2, [1, 3], [XObs, ZObs]), 20_000);
        StandardErrorCeiling.Check(threeSteps.StandardError, ceiling, "E[Y_cf | x, z] by importance abduction");
        Assert.InRange(threeSteps.Value, Exact() - (5 * threeSteps.StandardError), Exact() + (5 * threeSteps.StandardError));

        Assert.True(posterior.EffectiveSampleSize < posterior.Draws, "the evidence weights the prior draws");
    }

    [Fact]
    public void SviAbductionMatchesTheClosedForm()
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = Scm.Model;
        var conditioned = model.Condition(PartialEvidence());
        using var guide = new AutoMultivariateNormal<bool>(conditioned);
        const double lr = 0.02, decay = 0.05;
        const int steps = 800, particles = 8;
        var svi = new Svi<bool>(conditioned, guide.Guide, new Adam(lr) { Schedule = LearningRateSchedule.Exponential(Math.Pow(decay, 1.0 / steps)) }, new TraceElbo { NumParticles = particles, VectorizeParticles = true }, seed: 3);
        svi.Fit(false, steps);

        // the fitted guide's mean of y over the last steps: its spread bounds the optimization error
        var lastMeans = new double[100];
        for (int i = 0; i < lastMeans.Length; i++)
        {
            svi.Step(false);
            using var median = NewDisposeScope();
            lastMeans[i] = guide.Median(false)["y"].item<double>();
        }

        using var posterior = AbductionActionPrediction.AbductByGuide<bool>(model, guide.Guide, false, PartialEvidence(), 20_000, svi.ParamStore, seed: 4);
        var estimate = AbductionActionPrediction.Predict<bool>(posterior, Scm.Model, false, Action(), "y");
        double mean = lastMeans.Average();
        double spread = Math.Sqrt(lastMeans.Sum(m => (m - mean) * (m - mean)) / (lastMeans.Length - 1));

        // ceilings: the guide holds the exact (Gaussian) posterior of (u, y), so its draws of Y_cf have
        // the posterior variance of y up to the ~1% jitter of its scale at these learning rates (10%
        // allowed); the median of y is the location loc_y, whose Adam iterates fluctuate with sd
        // √(η·√(I/K)/(2I)) at learning rate η ≤ lr·decay with I = Λ_yy, the posterior precision's
        // entry (the noise theory in the inference tests' AdamNoise), doubled for headroom
        var (_, cov) = Scm.Condition([0, 2], [1, 3], [XObs, ZObs]);
        double precisionY = cov.Inverse()[1, 1];
        double spreadCeiling = 2 * Math.Sqrt(lr * decay * Math.Sqrt(precisionY / particles) / (2 * precisionY));
        Assert.True(spread <= spreadCeiling, $"the guide's median of y still moves by {spread:G3}, more than the noise theory's {spreadCeiling:G3}");
        StandardErrorCeiling.Check(estimate.StandardError, 1.1 * StandardErrorCeiling.OfMean(cov[1, 1], 20_000), "E[Y_cf | x, z] by guide abduction");
        double tolerance = 5 * (estimate.StandardError + spread);
        Assert.InRange(estimate.Value, Exact() - tolerance, Exact() + tolerance);
        Assert.Equal(20_000, posterior.EffectiveSampleSize, 6);
    }
}
