using Ppl.Causal;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal;

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
        var svi = new Svi<bool>(conditioned, guide.Guide, new Adam(0.02) { Schedule = LearningRateSchedule.Exponential(Math.Pow(0.05, 1.0 / 800)) }, new TraceElbo { NumParticles = 8, VectorizeParticles = true }, seed: 3);
        svi.Fit(false, 800);

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
        double tolerance = 5 * (estimate.StandardError + spread);
        Assert.InRange(estimate.Value, Exact() - tolerance, Exact() + tolerance);
        Assert.Equal(20_000, posterior.EffectiveSampleSize, 6);
    }
}
