using MathNet.Numerics.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using static TorchSharp.torch;
using LowRankMultivariateNormal = Ppl.Distributions.LowRankMultivariateNormal;
using MultivariateNormal = Ppl.Distributions.MultivariateNormal;

namespace Ppl.Tests.Inference.Guides;

[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class ConjugatePosteriorTests
{
    // Φ(1): the quantile one standard deviation above the median of a normal
    private static readonly double OneSd = Normal.CDF(0, 1, 1);

    public static TheoryData<string> NormalFamily => new() { "AutoNormal", "AutoDiagonalNormal", "AutoMultivariateNormal", "AutoLowRankMultivariateNormal" };

    private const int Steps = 700;
    private const int TailSteps = 200;
    private const double Lr = 0.05;
    private const double FinalLr = 0.003;
    private const int Particles = 8;

    private static Svi<T> NewSvi<T>(Func<T, object?> model, AutoGuide<T> guide, int steps)
    {
        var opt = new Adam(Lr) { Schedule = LearningRateSchedule.Exponential(Math.Pow(FinalLr / Lr, 1.0 / steps)) };
        return new Svi<T>(model, guide.Guide, opt, new TraceElbo { NumParticles = Particles, VectorizeParticles = true }, seed: 3);
    }

    [Theory]
    [MemberData(nameof(NormalFamily))]
    public void NormalNormalPosteriorIsRecovered(string kind)
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var threads = new SingleThread();
        manual_seed(0); // the low-rank guide draws its initial factor from the global generator
        using var x = tensor(ConjugateModels.StandardNormalPriors.NormalData.Select(v => (float)v).ToArray());
        using var guide = GuideKinds.Make<Tensor>(kind, ConjugateModels.StandardNormalPriors.NormalNormal);
        var svi = NewSvi<Tensor>(ConjugateModels.StandardNormalPriors.NormalNormal, guide, Steps);
        var tail = GuideFit.Run(svi, x, Steps, () =>
        {
            double median = guide.Median(x)["mu"].item<float>();
            double upper = guide.Quantiles(x, OneSd)["mu"].item<float>();
            return [median, upper - median];
        });

        double n = ConjugateModels.StandardNormalPriors.NormalData.Length;
        double mean = ConjugateModels.StandardNormalPriors.NormalData.Sum() / (n + 1), sd = Math.Sqrt(1 / (n + 1));

        // the noise the optimizer leaves at the tail's largest learning rate, in the guide's location and log-scale
        double lr = AdamNoise.ExponentialLr(Lr, FinalLr, Steps, Steps - TailSteps);
        double[] ceilings = [AdamNoise.Headroom * AdamNoise.Location(lr, Particles, sd), AdamNoise.Headroom * AdamNoise.Scale(lr, Particles, sd)];
        Report(kind, "normal-normal", [tail.Mean[0] - mean, tail.Mean[1] - sd], tail, ceilings);

        // the family holds the exact posterior, so the optimum has no bias; float32 rounding adds ~1e-6
        tail.AssertNear(0, mean, ceilings[0], $"{kind} mean", 1e-5);
        tail.AssertNear(1, sd, ceilings[1], $"{kind} sd", 1e-5);
        GuideFit.Release(svi);
    }

    [Theory]
    [MemberData(nameof(NormalFamily))]
    public void RegressionPosteriorIsRecovered(string kind)
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var threads = new SingleThread();
        manual_seed(0); // the low-rank guide draws its initial factor from the global generator
        var (xt, yt) = ConjugateModels.StandardNormalPriors.RegressionTensors();
        using var xs = xt;
        using var ys = yt;
        var (x, y) = ConjugateModels.StandardNormalPriors.RegressionData();
        var (mean, cov) = ConjugateModels.StandardNormalPriors.RegressionPosterior(x, y);
        // rank 2 in 2-D: a rank-1 factor reaches a correlation of −0.79 only along a slowly mixing, badly
        // conditioned path whose wander a 200-step tail does not measure (errors ~0.01 in correlation)
        using var guide = GuideKinds.Make<(Tensor, Tensor)>(kind == "AutoLowRankMultivariateNormal" ? "AutoLowRankMultivariateNormal2" : kind, ConjugateModels.StandardNormalPriors.Regression);
        // the low-rank factorization's correlation converges slowest and wanders slowly: more steps,
        // and a longer tail so its standard deviation sees that wander
        bool lowRank = kind == "AutoLowRankMultivariateNormal";
        int steps = lowRank ? 2000 : Steps;
        int tailSteps = lowRank ? 800 : TailSteps;
        var svi = NewSvi<(Tensor, Tensor)>(ConjugateModels.StandardNormalPriors.Regression, guide, steps);
        bool joint = guide is AutoMultivariateNormal<(Tensor, Tensor)> or AutoLowRankMultivariateNormal<(Tensor, Tensor)>;
        var tail = GuideFit.Run(svi, (xs, ys), steps, () =>
        {
            var m = GuideFit.Values(guide.Median((xs, ys))["w"]);
            var up = GuideFit.Values(guide.Quantiles((xs, ys), OneSd)["w"]);
            if (!joint)
            {
                return [m[0], m[1], up[0] - m[0], up[1] - m[1]];
            }

            var posterior = ((AutoContinuous<(Tensor, Tensor)>)guide).GetPosterior((xs, ys));
            var c = GuideFit.Values(posterior is MultivariateNormal mvn ? mvn.CovarianceMatrix : ((LowRankMultivariateNormal)posterior).CovarianceMatrix);
            return [m[0], m[1], up[0] - m[0], up[1] - m[1], c[1] / Math.Sqrt(c[0] * c[3])];
        }, tail: tailSteps);

        // a joint Gaussian guide holds the exact posterior; a mean-field one's KL(q‖p) optimum has the
        // exact means and the conditional standard deviations 1/√Λᵢᵢ (a closed form for Gaussian targets)
        var precision = cov.Inverse();
        double rho = cov[0, 1] / Math.Sqrt(cov[0, 0] * cov[1, 1]);
        double[] truth = joint
            ? [mean[0], mean[1], Math.Sqrt(cov[0, 0]), Math.Sqrt(cov[1, 1]), rho]
            : [mean[0], mean[1], 1 / Math.Sqrt(precision[0, 0]), 1 / Math.Sqrt(precision[1, 1])];
        double lr = AdamNoise.ExponentialLr(Lr, FinalLr, steps, steps - tailSteps);
        var noise = RegressionNoise(joint, lr, precision, truth, rho);
        double[] ceilings = [.. noise.Select(q => q.Ceiling)];
        Report(kind, "regression", tail.Mean.Zip(truth, (a, b) => a - b).ToArray(), tail, ceilings);
        Assert.True(svi.Loss.LastRunVectorized, "the particles ran in one vectorized pass");
        string[] names = ["mean w0", "mean w1", "sd w0", "sd w1", "correlation"];
        for (int i = 0; i < truth.Length; i++)
        {
            tail.AssertNear(i, truth[i], ceilings[i], $"{kind} {names[i]}", 1e-5);
        }

        Assert.True(rho < -0.3, "the test needs a visibly correlated posterior");
        AssertKlGap(svi, guide, (xs, ys), ConjugateModels.StandardNormalPriors.RegressionLogEvidence(x, y), joint ? 0 : MeanFieldKl(precision), joint ? 0 : rho, noise, kind);
        GuideFit.Release(svi);
    }

    /// <summary>
    /// Stationary noise ceilings of the regression's read quantities (see <see cref="AdamNoise"/>),
    /// with the −ELBO's curvature in each. Mean-field at its optimum (sdᵢ = 1/√Λᵢᵢ, correlation ρ):
    /// a location's gradient per particle is Σⱼ Λᵢⱼ sⱼ εⱼ, variance Λᵢᵢ(1 + ρ²), curvature Λᵢᵢ; a
    /// log-scale's is εᵢ² − ρεᵢεⱼ − 1, variance 2 + ρ², curvature 2. Joint guides at the exact
    /// posterior: c = h = the Fisher information of the bivariate normal in (μᵢ, log σᵢ, ρ): Λᵢᵢ,
    /// (2 − ρ²)/(1 − ρ²) and (1 + ρ²)/(1 − ρ²)².
    /// </summary>
    private static (double Ceiling, double Curvature)[] RegressionNoise(bool joint, double lr, MathNet.Numerics.LinearAlgebra.Matrix<double> precision, double[] truth, double rho)
    {
        double r2 = rho * rho;
        (double, double) Coordinate(double slope, double curvature, double gradientVariance) =>
            (AdamNoise.Headroom * slope * AdamNoise.CoordinateSd(lr, Particles, curvature, gradientVariance), curvature / (slope * slope));
        if (!joint)
        {
            return
            [
                Coordinate(1, precision[0, 0], precision[0, 0] * (1 + r2)),
                Coordinate(1, precision[1, 1], precision[1, 1] * (1 + r2)),
                Coordinate(truth[2], 2, 2 + r2),
                Coordinate(truth[3], 2, 2 + r2),
            ];
        }

        double logSd = (2 - r2) / (1 - r2), corr = (1 + r2) / ((1 - r2) * (1 - r2));
        return
        [
            Coordinate(1, precision[0, 0], precision[0, 0]),
            Coordinate(1, precision[1, 1], precision[1, 1]),
            Coordinate(truth[2], logSd, logSd),
            Coordinate(truth[3], logSd, logSd),
            Coordinate(1, corr, corr),
        ];
    }

    /// <summary>KL(q*‖p) of the best mean-field Gaussian q* (sdᵢ = 1/√Λᵢᵢ) to the Gaussian p of precision Λ: ½(Σ log Λᵢᵢ − log det Λ).</summary>
    private static double MeanFieldKl(MathNet.Numerics.LinearAlgebra.Matrix<double> precision) =>
        0.5 * (Math.Log(precision[0, 0]) + Math.Log(precision[1, 1]) - Math.Log(precision.Determinant()));

    private const int GapParticles = 20_000;

    /// <summary>
    /// The −ELBO the fitted guide reaches, minus −log p(y): KL(q‖p), which is the family's best
    /// <paramref name="bestKl"/> (0 for a joint guide, ½(Σ log Λᵢᵢ − log det Λ) for a mean-field one)
    /// plus what the parameters' leftover noise adds. At the optimum log q/p has sd |ρ| per draw for
    /// mean-field (−½ uᵀ(Λ − diag Λ)u with u ~ N(0, diag 1/Λᵢᵢ)) and 0 for a joint guide; a parameter
    /// off by δ adds ½δ²h to KL, at most ½Σ h·ceiling² over the guide's coordinates, and raises the
    /// per-draw variance by about twice that.
    /// </summary>
    private static void AssertKlGap<T>(Svi<T> svi, AutoGuide<T> guide, T args, double logEvidence, double bestKl, double rho, (double Ceiling, double Curvature)[] noise, string kind)
    {
        var evaluate = new Svi<T>(guide.Model, guide.Guide, svi.Optimizer, new TraceElbo { NumParticles = GapParticles, VectorizeParticles = true }, svi.ParamStore, seed: 11);
        double gap = evaluate.Evaluate(args) + logEvidence;
        double excess = noise.Sum(q => 0.5 * q.Curvature * q.Ceiling * q.Ceiling);
        double se = Math.Sqrt(((rho * rho) + (2 * excess)) / GapParticles);
        Console.WriteLine($"[guides] {kind} regression: KL gap {gap:E3} vs best {bestKl:E3} (tolerance −{5 * se:E2} / +{excess + (5 * se):E2})");
        Assert.InRange(gap, bestKl - (5 * se), bestKl + excess + (5 * se));
    }

    internal static void Report(string kind, string model, double[] errors, Tail tail, double[]? ceilings = null) =>
        Console.WriteLine($"[guides] {kind} {model}: errors [{Join(errors)}] tolerances [{Join(Enumerable.Range(0, errors.Length).Select(i => tail.Tolerance(i)))}]"
            + (ceilings is null ? "" : $" sd/ceiling [{Join(ceilings.Select((c, i) => tail.Sd[i] / c))}] drift/ceiling [{Join(ceilings.Select((c, i) => Math.Abs(tail.Drift[i]) / c))}]"));

    private static string Join(IEnumerable<double> values) =>
        string.Join(", ", values.Select(e => e.ToString("E2", System.Globalization.CultureInfo.InvariantCulture)));
}
