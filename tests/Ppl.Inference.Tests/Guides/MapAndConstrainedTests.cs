using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Guides;

[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class MapAndConstrainedTests
{
    private static readonly float[] Flips = [1, 1, 0, 1, 1, 1, 0, 1, 0, 1]; // 7 of 10
    private static readonly float[] Counts = [3, 5, 4, 6, 2, 4, 5, 3]; // Σ = 32, n = 8

    private static Tensor BetaBernoulli(Tensor x)
    {
        var p = Sample("p", new Beta(3.0, 2.0));
        using var data = Plate("data", x.shape[0]);
        Sample("x", Bernoulli.FromProbs(p), obs: x);
        return p;
    }

    private static Tensor GammaPoisson(Tensor x)
    {
        var rate = Sample("rate", new Gamma(2.0, 1.0));
        using var data = Plate("data", x.shape[0]);
        Sample("x", new Poisson(rate), obs: x);
        return rate;
    }

    private const double Lr = 0.05;
    private const double FinalLr = 0.002;

    /// <summary>
    /// A Delta guide's ELBO is the log joint itself, with no sampling noise (c = 0 in
    /// <see cref="AdamNoise"/>'s terms): the settled iterate may only jitter by float32 rounding, a
    /// few units in the last place (2⁻²³ ≈ 1.2e-7 relative).
    /// </summary>
    private static double RoundingNoise(double value) => 16 * Math.Pow(2, -23) * Math.Abs(value);

    private static Svi<Tensor> NewSvi(Func<Tensor, object?> model, AutoGuide<Tensor> guide, int steps, int particles)
    {
        var opt = new Adam(Lr) { Schedule = LearningRateSchedule.Exponential(Math.Pow(FinalLr / Lr, 1.0 / steps)) };
        return new Svi<Tensor>(model, guide.Guide, opt, new TraceElbo { NumParticles = particles, VectorizeParticles = true }, seed: 5);
    }

    [Fact]
    public void AutoDeltaFindsTheBetaBernoulliMode()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var threads = new SingleThread();
        using var x = tensor(Flips);
        using var guide = new AutoDelta<Tensor>(BetaBernoulli);
        var svi = NewSvi(BetaBernoulli, guide, 600, 1);
        var tail = GuideFit.Run(svi, x, 600, () => [guide.Median(x)["p"].item<float>()]);

        // posterior Beta(3 + 7, 2 + 3); its mode (a − 1)/(a + b − 2). The Delta guide's ELBO is the log
        // joint itself (no noise), and p = σ(θ) is monotone, so the optimum is the mode exactly
        double mode = (10.0 - 1) / (15.0 - 2);
        ConjugatePosteriorTests.Report("AutoDelta", "beta-bernoulli", [tail.Mean[0] - mode], tail, [RoundingNoise(mode)]);
        tail.AssertNear(0, mode, RoundingNoise(mode), "AutoDelta beta-bernoulli mode", 1e-5);
        GuideFit.Release(svi);
    }

    [Fact]
    public void AutoDeltaFindsTheGammaPoissonMode()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var threads = new SingleThread();
        using var x = tensor(Counts);
        using var guide = new AutoDelta<Tensor>(GammaPoisson);
        var svi = NewSvi(GammaPoisson, guide, 600, 1);
        var tail = GuideFit.Run(svi, x, 600, () => [guide.Median(x)["rate"].item<float>()]);

        // posterior Gamma(2 + 32, 1 + 8); mode (α − 1)/β
        double mode = 33.0 / 9.0;
        ConjugatePosteriorTests.Report("AutoDelta", "gamma-poisson", [tail.Mean[0] - mode], tail, [RoundingNoise(mode)]);
        tail.AssertNear(0, mode, RoundingNoise(mode), "AutoDelta gamma-poisson mode", 1e-4);
        GuideFit.Release(svi);
    }

    [Fact]
    public void AutoNormalFitsTheBestLogNormalToTheGammaPosterior()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var threads = new SingleThread();
        using var x = tensor(Counts);
        using var guide = new AutoNormal<Tensor>(GammaPoisson);
        var svi = NewSvi(GammaPoisson, guide, 800, 8);
        var tail = GuideFit.Run(svi, x, 800, () =>
            [guide.Median(x)["rate"].item<float>(), svi.ParamStore["AutoNormal.scales.rate"].item<float>()]);

        // The posterior is Gamma(A = 34, B = 9). For q: log λ ~ N(m, s²) the ELBO is
        // A·m − B·exp(m + s²/2) + log s + const, maximal at s² = 1/A and m = log(A/B) − 1/(2A):
        // the exact optimum of the family, so no bias term beyond float rounding.
        const double a = 34, b = 9;
        double median = a / b * Math.Exp(-1 / (2 * a)), scale = 1 / Math.Sqrt(a);

        // noise ceilings: in log λ the ELBO's curvature is A (the location's Fisher information 1/s²,
        // s² = 1/A) and the median e^m moves by median·δm; the log-scale's curvature and gradient
        // variance are 2 up to O(1/A), as for a Normal target
        double lr = AdamNoise.ExponentialLr(Lr, FinalLr, 800, 600);
        double[] ceilings = [AdamNoise.Headroom * median * AdamNoise.Location(lr, 8, scale), AdamNoise.Headroom * AdamNoise.Scale(lr, 8, scale)];
        ConjugatePosteriorTests.Report("AutoNormal", "gamma-poisson", [tail.Mean[0] - median, tail.Mean[1] - scale], tail, ceilings);
        tail.AssertNear(0, median, ceilings[0], "AutoNormal gamma-poisson median", 1e-4);
        tail.AssertNear(1, scale, ceilings[1], "AutoNormal gamma-poisson scale", 1e-5);

        // and that optimum is close to the true posterior median (a check on the derivation's premise)
        double trueMedian = MathNet.Numerics.Distributions.Gamma.InvCDF(a, b, 0.5);
        Assert.InRange(median, trueMedian * 0.99, trueMedian * 1.01);
        GuideFit.Release(svi);
    }
}
