using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Params;
using Xunit.Abstractions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Elbo;

/// <summary>Each ELBO's gradient estimate is unbiased for the exact gradient on models small enough to integrate.</summary>
[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class ElboGradientTests(ITestOutputHelper output)
{
    private const double X = 0.4;

    public static TheoryData<string> Estimators => new(["TraceElbo", "TraceMeanFieldElbo", "TraceGraphElbo"]);

    private static Ppl.Inference.Elbo Make(string name, int particles) => name switch
    {
        "TraceElbo" => new TraceElbo { NumParticles = particles, VectorizeParticles = true },
        "TraceMeanFieldElbo" => new TraceMeanFieldElbo { NumParticles = particles, VectorizeParticles = true },
        "TraceGraphElbo" => new TraceGraphElbo { NumParticles = particles, VectorizeParticles = true },
        _ => throw new ArgumentException(name),
    };

    // z ~ N(0, 1), x ~ N(z, 1) observed at X; guide N(m, s)
    private static object? GaussianModel(int _)
    {
        var z = Sample("z", new Normal(tensor(0.0), tensor(1.0)));
        Sample("x", new Normal(z, 1.0), obs: tensor(X));
        return null;
    }

    private static object? GaussianGuide(int _) =>
        Sample("z", new Normal(Param("m", tensor(0.3)), Param("s", tensor(0.8))));

    [Theory]
    [MemberData(nameof(Estimators))]
    public void ReparameterizedGradientMatchesTheClosedForm(string estimator)
    {
        using var store = new ParamStore();
        const int particles = 2000;
        var g = GradientSampler.Sample(Make(estimator, particles), GaussianModel, GaussianGuide, store, ["m", "s"], 20);

        // ELBO(m, s) = −log 2π − ½((X − m)² + s²) − ½(m² + s²) + ½ log(2πe s²); the loss is −ELBO
        double m = 0.3, s = 0.8;

        // one particle z = m + sε: the sampled loss ½z² + ½(X − z)² − log s (+ const) has gradient
        // (2m − X + 2sε, (2m − X)ε + 2sε² − 1/s), variance (4s², (2m − X)² + 8s²); with the KL to the
        // prior in closed form only ½(X − z)² is sampled: (m − X + sε + m, (m − X)ε + sε² + s − 1/s),
        // variance (s², (m − X)² + 2s²)
        bool analyticKl = estimator == "TraceMeanFieldElbo";
        double varM = analyticKl ? s * s : 4 * s * s;
        double varS = analyticKl ? ((m - X) * (m - X)) + (2 * s * s) : ((2 * m - X) * (2 * m - X)) + (8 * s * s);
        GradientSampler.AssertUnbiased(g, 0, -((X - m) - m), $"{estimator} ∂/∂m", varM / particles);
        GradientSampler.AssertUnbiased(g, 1, -((-2 * s) + (1 / s)), $"{estimator} ∂/∂s", varS / particles);
    }

    // z ~ Bernoulli(0.3), x ~ N(2z − 1, 1) observed at X; guide Bernoulli(logits θ): every gradient path is a score function
    private static object? DiscreteModel(int _)
    {
        var z = Sample("z", Bernoulli.FromProbs(tensor(0.3)));
        Sample("x", new Normal(z.mul(2).sub(1), 1.0), obs: tensor(X));
        return null;
    }

    private static object? DiscreteGuide(int _) => Sample("z", Bernoulli.FromLogits(Param("theta", tensor(0.2))));

    private static readonly double LogLik0 = MathNet.Numerics.Distributions.Normal.PDFLn(-1, 1, X);
    private static readonly double LogLik1 = MathNet.Numerics.Distributions.Normal.PDFLn(1, 1, X);

    /// <summary>q(z = 1) and log p(z, X) − log q(z) for z = 0 and 1, elementwise in θ, as differentiable functions of θ.</summary>
    private static (Tensor Q1, Tensor W0, Tensor W1) DiscreteTerms(Tensor theta)
    {
        var q1 = theta.sigmoid();
        var w0 = q1.neg().log1p().neg().add(Math.Log(0.7) + LogLik0);
        var w1 = q1.log().neg().add(Math.Log(0.3) + LogLik1);
        return (q1, w0, w1);
    }

    /// <summary>
    /// The surrogate ELBO of one particle at the guide draw <paramref name="z"/> (0/1 per element
    /// of θ), written from each estimator's definition: its θ-gradient is the particle's estimate.
    /// With w the log-weight, TraceElbo adds log q(z)·w to w, w held constant (every element's score
    /// meets the whole weight); TraceGraphElbo pairs each element's log q only with its own term of w
    /// (for one site, its downstream cost is the whole weight), less <paramref name="baseline"/>;
    /// TraceMeanFieldElbo first replaces log p(z) − log q(z) by −KL(q ‖ p).
    /// </summary>
    private static Tensor ParticleSurrogate(string estimator, Tensor theta, Tensor z, double baseline = 0)
    {
        var (q1, w0, w1) = DiscreteTerms(theta);
        var notZ = z.neg().add(1);
        var logQ = z.mul(q1.log()).add(notZ.mul(q1.neg().log1p()));
        var w = z.mul(w1).add(notZ.mul(w0));
        switch (estimator)
        {
            case "TraceElbo":
                return w.sum().add(logQ.sum().mul(w.sum().detach()));
            case "TraceGraphElbo":
                return w.sum().add(logQ.mul(w.detach().sub(baseline)).sum());
            case "TraceMeanFieldElbo":
                // −KL(q ‖ p) = Σ_z q(z)(log p(z) − log q(z)) = (1 − q₁)(w₀ − ℓ₀) + q₁(w₁ − ℓ₁), ℓ the log-likelihoods
                var negKl = q1.neg().add(1).mul(w0.sub(LogLik0)).add(q1.mul(w1.sub(LogLik1)));
                var elbo = z.mul(LogLik1).add(notZ.mul(LogLik0)).add(negKl).sum();
                return elbo.add(logQ.sum().mul(elbo.detach()));
            default:
                throw new ArgumentException(estimator);
        }
    }

    /// <summary>
    /// The exact law of one particle's estimate of Σᵢ ∂loss/∂θᵢ with <paramref name="elements"/>
    /// copies of the latent at θ = 0.2 (what the sampler records): the estimate is symmetric in the
    /// copies, so it depends only on how many k are 1, which is Binomial(elements, q₁).
    /// </summary>
    private static EstimateLaw ParticleLaw(string estimator, int elements = 1, double baseline = 0)
    {
        using var scope = NewDisposeScope();
        double q1 = 1 / (1 + Math.Exp(-0.2));
        var outcomes = new List<(double, double)>();
        for (int k = 0; k <= elements; k++)
        {
            var theta = full(elements, 0.2, dtype: float64).requires_grad_();
            var z = cat([ones(k, dtype: float64), zeros(elements - k, dtype: float64)], 0);
            double gradient = autograd.grad([ParticleSurrogate(estimator, theta, z, baseline)], [theta])[0].sum().item<double>();
            outcomes.Add((MathNet.Numerics.Distributions.Binomial.PMF(q1, elements, k), -gradient));
        }

        return new EstimateLaw(outcomes);
    }

    [Theory]
    [MemberData(nameof(Estimators))]
    public void ScoreFunctionGradientMatchesTheEnumeratedElbo(string estimator)
    {
        using var scope = NewDisposeScope();
        var theta = tensor(0.2, dtype: float64).requires_grad_();
        var (q1, w0, w1) = DiscreteTerms(theta);
        var exactElbo = q1.neg().add(1).mul(w0).add(q1.mul(w1));
        double exact = -autograd.grad([exactElbo], [theta])[0].item<double>();

        using var store = new ParamStore();
        const int particles = 2000;
        var g = GradientSampler.Sample(Make(estimator, particles), DiscreteModel, DiscreteGuide, store, ["theta"], 20);

        // one estimate is the mean of 2000 independent particles, each taking one of two values
        var law = ParticleLaw(estimator);
        Assert.Equal(exact, law.Mean, 1e-10);
        var (variance, kurtosis) = law.OfMean(particles);
        GradientSampler.AssertUnbiased(g, 0, exact, $"{estimator} ∂/∂θ", variance, kurtosis);
    }

    [Fact]
    public void RenyiGradientMatchesTheEnumeratedImportanceWeightedBound()
    {
        using var scope = NewDisposeScope();

        // with α = 0 and K = 2 particles the bound is E[log((e^w₁ + e^w₂)/2)], a sum over the four (z₁, z₂)
        var theta = tensor(0.2, dtype: float64).requires_grad_();
        var (q1, w0, w1) = DiscreteTerms(theta);
        var q = new[] { q1.neg().add(1), q1 };
        var w = new[] { w0, w1 };
        Tensor bound = zeros(1, dtype: float64).squeeze();
        for (int a = 0; a < 2; a++)
        {
            for (int b = 0; b < 2; b++)
            {
                bound = bound.add(q[a].mul(q[b]).mul(stack([w[a], w[b]]).logsumexp(0).sub(Math.Log(2))));
            }
        }

        double exact = -autograd.grad([bound], [theta])[0].item<double>();
        using var store = new ParamStore();
        var g = GradientSampler.Sample(new RenyiElbo(0) { NumParticles = 2, VectorizeParticles = true }, DiscreteModel, DiscreteGuide, store, ["theta"], 4000);
        var law = RenyiEstimateLaw();
        Assert.Equal(exact, law.Mean, 1e-10);
        GradientSampler.AssertUnbiased(g, 0, exact, "RenyiElbo(0), K = 2, ∂/∂θ", law.Variance, law.Kurtosis);
    }

    /// <summary>
    /// The law of one RenyiElbo(0) estimate with K = 2 over the four (z₁, z₂): its surrogate weighs
    /// each particle's log-weight by its normalized weight (held constant) and adds the particles'
    /// log q times the bound log((e^w₁ + e^w₂)/2), held constant.
    /// </summary>
    private static EstimateLaw RenyiEstimateLaw()
    {
        using var scope = NewDisposeScope();
        var outcomes = new List<(double, double)>();
        for (int a = 0; a < 2; a++)
        {
            for (int b = 0; b < 2; b++)
            {
                var theta = tensor(0.2, dtype: float64).requires_grad_();
                var (q1, w0, w1) = DiscreteTerms(theta);
                var q = new[] { q1.neg().add(1), q1 };
                var w = stack([a == 1 ? w1 : w0, b == 1 ? w1 : w0]);
                var normalized = w.detach().softmax(0);
                var bound = w.logsumexp(0).sub(Math.Log(2));
                var surrogate = normalized.mul(w).sum().add(q[a].log().add(q[b].log()).mul(bound.detach()));
                double gradient = autograd.grad([surrogate], [theta])[0].item<double>();
                outcomes.Add((q[a].mul(q[b]).item<double>(), -gradient));
            }
        }

        return new EstimateLaw(outcomes);
    }

    [Fact]
    public void RenyiLossWithTheExactPosteriorIsTheLogEvidence()
    {
        using var scope = NewDisposeScope();

        // p(z | X) = N(X/2, 1/2), so every weight equals log p(X) = log N(X; 0, 2) and the bound is exact for any α
        Func<int, object?> exactGuide = _ => Sample("z", new Normal(tensor(X / 2), tensor(Math.Sqrt(0.5))));
        double logEvidence = MathNet.Numerics.Distributions.Normal.PDFLn(0, Math.Sqrt(2), X);
        foreach (double alpha in new[] { 0.0, 0.5, 2.0 })
        {
            double loss = new RenyiElbo(alpha) { NumParticles = 5, VectorizeParticles = true }.Loss(GaussianModel, exactGuide, 0);
            Assert.Equal(-logEvidence, loss, 5);
        }
    }

    // ten independent copies of the discrete model in a plate; the gradient of θ₀
    private static object? PlateModel(int _)
    {
        using var data = Plate("data", 10);
        var z = Sample("z", Bernoulli.FromProbs(full(10, 0.3)));
        Sample("x", new Normal(z.mul(2).sub(1), 1.0), obs: full(10, X));
        return null;
    }

    private static object? PlateGuide(int _)
    {
        using var data = Plate("data", 10);
        return Sample("z", Bernoulli.FromLogits(Param("theta", full(10, 0.2))));
    }

    [Fact]
    public void TraceGraphElboHasLowerVarianceThanTraceElboOnAPlateOfDiscreteLatents()
    {
        using var scope = NewDisposeScope();
        var theta = tensor(0.2, dtype: float64).requires_grad_();
        var (q1, w0, w1) = DiscreteTerms(theta);
        double exact = -autograd.grad([q1.neg().add(1).mul(w0).add(q1.mul(w1))], [theta])[0].item<double>();

        using var traceStore = new ParamStore();
        using var graphStore = new ParamStore();
        var trace = GradientSampler.Sample(new TraceElbo(), PlateModel, PlateGuide, traceStore, ["theta"], 1000);
        var graph = GradientSampler.Sample(new TraceGraphElbo(), PlateModel, PlateGuide, graphStore, ["theta"], 1000);

        // the sampler sums the gradient over the ten θᵢ, each of which has the single-copy gradient;
        // one estimate is one particle over the ten copies
        var traceLaw = ParticleLaw("TraceElbo", elements: 10);
        var graphLaw = ParticleLaw("TraceGraphElbo", elements: 10);
        Assert.Equal(10 * exact, traceLaw.Mean, 1e-9);
        Assert.Equal(10 * exact, graphLaw.Mean, 1e-9);
        GradientSampler.AssertUnbiased(trace, 0, 10 * exact, "TraceElbo Σᵢ ∂/∂θᵢ", traceLaw.Variance, traceLaw.Kurtosis);
        GradientSampler.AssertUnbiased(graph, 0, 10 * exact, "TraceGraphElbo Σᵢ ∂/∂θᵢ", graphLaw.Variance, graphLaw.Kurtosis);
        double vTrace = GradientSampler.Column(trace, 0).Variance;
        double vGraph = GradientSampler.Column(graph, 0).Variance;
        output.WriteLine($"gradient variance over 1000 draws: TraceElbo {vTrace:G4}, TraceGraphElbo {vGraph:G4} (ratio {vTrace / vGraph:G3})");

        // with 999 degrees of freedom the ratio of two sample variances of equal-variance estimators
        // exceeds 1.25 with probability below 1e-3 (F distribution), so a ratio above 1.25 is a real reduction
        Assert.True(vTrace / vGraph > 1.25, $"TraceGraphElbo variance {vGraph:G4} is not below TraceElbo's {vTrace:G4}");
    }

    [Fact]
    public void BaselinesKeepTheGradientUnbiased()
    {
        using var scope = NewDisposeScope();
        var theta = tensor(0.2, dtype: float64).requires_grad_();
        var (q1, w0, w1) = DiscreteTerms(theta);
        double exact = -autograd.grad([q1.neg().add(1).mul(w0).add(q1.mul(w1))], [theta])[0].item<double>();
        const int steps = 3000;

        // the score term holds the cost w(z) − b: a fixed b gives an exact law of one estimate
        var fixedLaw = ParticleLaw("TraceGraphElbo", baseline: -2);
        Assert.Equal(exact, fixedLaw.Mean, 1e-10);
        var decaying = new Baseline { UseDecayingAverage = true, Beta = 0.9 };
        var cases = new (Baseline Baseline, double Variance, double Kurtosis)[]
        {
            (new Baseline { Value = tensor(-2.0f) }, fixedLaw.Variance, fixedLaw.Kurtosis),
            (decaying, DecayingBaselineVariance(decaying.Beta, w0.item<double>(), w1.item<double>(), steps), fixedLaw.Kurtosis),
        };
        foreach (var (baseline, variance, kurtosis) in cases)
        {
            Func<int, object?> guide = _ => Sample("z", Bernoulli.FromLogits(Param("theta", tensor(0.2))), infer: baseline.ToInfer());
            using var store = new ParamStore();
            using var elbo = new TraceGraphElbo { NumParticles = 1 };
            var g = GradientSampler.Sample(elbo, DiscreteModel, guide, store, ["theta"], steps);
            GradientSampler.AssertUnbiased(g, 0, exact, $"TraceGraphElbo with {baseline}", variance, kurtosis);
        }
    }

    /// <summary>
    /// A ceiling on the mean variance of <paramref name="steps"/> estimates with the decaying-average
    /// baseline, which depends on the history. Step t's baseline is b_t = (1 − β) Σ_{s&lt;t} β^(t−1−s) c_s
    /// (it starts at 0) with each past cost c_s ∈ {w₀, w₁}, so b_t lies in (1 − βᵗ)·[min w, max w].
    /// Given the past, the estimate's mean is exact whatever b is (E[∂log q] = 0), so the sample
    /// variance estimates the mean of the steps' variances; Var(b) = E[(∂log q)²(w − 1 − b)²] − exact²
    /// is convex in b, so each step's is at most the larger at the two ends of its interval. (A
    /// two-point law's kurtosis does not depend on its two values, so the fixed law's is exact here.)
    /// </summary>
    private static double DecayingBaselineVariance(double beta, double w0, double w1, int steps)
    {
        double low = Math.Min(w0, w1), high = Math.Max(w0, w1), sum = 0, worst = 0;
        for (int t = 0; t < steps; t++)
        {
            // past 400 steps βᵗ is below 1e-18: the interval no longer moves
            if (t <= 400)
            {
                double reached = 1 - Math.Pow(beta, t);
                worst = Math.Max(ParticleLaw("TraceGraphElbo", baseline: reached * low).Variance, ParticleLaw("TraceGraphElbo", baseline: reached * high).Variance);
            }

            sum += worst;
        }

        return sum / steps;
    }
}
