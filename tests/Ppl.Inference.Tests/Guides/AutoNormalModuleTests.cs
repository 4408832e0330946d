using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using Ppl.Modules;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Guides;

/// <summary>AutoNormal fitted to models written with <see cref="PplModule{TIn, TOut}"/>s.</summary>
[Collection("Sequential")]
public sealed class AutoNormalModuleTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const double Sigma = 0.3;
    private const int N = 20;

    /// <summary>
    /// Inputs with orthogonal, centred columns x₁ (odd) and x₂ (even) and the intercept: the
    /// posterior precision I + XᵀX/σ² is then diagonal, so the posterior factorizes and a
    /// mean-field Normal guide can hold it exactly.
    /// </summary>
    private static (double[,] X, double[] Y) Data()
    {
        var x = new double[N, 2];
        var y = new double[N];
        double meanSquare = Enumerable.Range(0, N).Select(i => Math.Pow(-1 + (2.0 * i / (N - 1)), 2)).Average();
        var rng = new Random(5);
        for (int i = 0; i < N; i++)
        {
            double t = -1 + (2.0 * i / (N - 1));
            x[i, 0] = t;
            x[i, 1] = (t * t) - meanSquare;
            double noise = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            y[i] = (1.2 * x[i, 0]) - (0.8 * x[i, 1]) + 0.4 + (Sigma * noise);
        }

        return (x, y);
    }

    /// <summary>Posterior mean and sd of (w₁, w₂, b) under N(0, 1) priors: precision 1 + Σ xⱼ²/σ², mean Σ xⱼ y/σ² / precision.</summary>
    private static (double[] Mean, double[] Sd) Posterior(double[,] x, double[] y)
    {
        var mean = new double[3];
        var sd = new double[3];
        for (int j = 0; j < 3; j++)
        {
            double xx = 0, xy = 0;
            for (int i = 0; i < N; i++)
            {
                double v = j < 2 ? x[i, j] : 1.0;
                xx += v * v;
                xy += v * y[i];
            }

            double precision = 1 + (xx / (Sigma * Sigma));
            mean[j] = xy / (Sigma * Sigma) / precision;
            sd[j] = 1 / Math.Sqrt(precision);
        }

        return (mean, sd);
    }

    [Fact]
    [Trait(Stage.Key, Stage.Statistical)]
    public void ABayesianLinearLayerFittedByAutoNormalRecoversTheConjugatePosterior()
    {
        using var scope = NewDisposeScope();
        var (xs, ys) = Data();
        var (mean, sd) = Posterior(xs, ys);
        // the closed form needs orthogonal columns; check the design really has them
        Assert.True(Math.Abs(Enumerable.Range(0, N).Sum(i => xs[i, 0] * xs[i, 1])) < 1e-12);

        using var layer = new PplLinear(2, 1, dtype: float64).WithNormalPriors(1.0);
        var x = tensor(xs, float64);
        var y = tensor(ys, float64);

        Tensor Model((Tensor X, Tensor? Y) d)
        {
            var f = Module("blr", layer).forward(d.X).squeeze(-1);
            using var rows = Plate("data", d.X.shape[0]);
            return Sample("y", new Normal(f, Sigma), obs: d.Y);
        }

        using var guide = new AutoNormal<(Tensor X, Tensor? Y)>(Model);
        const int steps = 2000, tail = 300;
        using var adam = new Adam(0.05) { Schedule = LearningRateSchedule.Exponential(Math.Pow(0.002 / 0.05, 1.0 / steps)) };
        var svi = new Svi<(Tensor X, Tensor? Y)>(Model, guide.Guide, adam, new TraceElbo { NumParticles = 4 }, seed: 2);
        svi.Fit((x, y), steps - tail);
        var sums = new double[6];
        for (int k = 0; k < tail; k++)
        {
            svi.Step((x, y));
            using var step = NewDisposeScope();
            var locW = svi.ParamStore["AutoNormal.locs.blr.weight"].to(float64).data<double>().ToArray();
            var scaleW = svi.ParamStore["AutoNormal.scales.blr.weight"].to(float64).data<double>().ToArray();
            double locB = svi.ParamStore["AutoNormal.locs.blr.bias"].to(float64).data<double>()[0];
            double scaleB = svi.ParamStore["AutoNormal.scales.blr.bias"].to(float64).data<double>()[0];
            double[] row = [locW[0], locW[1], locB, scaleW[0], scaleW[1], scaleB];
            for (int j = 0; j < 6; j++)
            {
                sums[j] += row[j] / tail;
            }
        }

        string[] names = ["w1", "w2", "b"];
        for (int j = 0; j < 3; j++)
        {
            output.WriteLine($"{names[j]}: mean {sums[j]:F4} (exact {mean[j]:F4}), sd {sums[3 + j]:F4} (exact {sd[j]:F4})");
            Assert.True(Math.Abs(sums[j] - mean[j]) < 0.01, $"{names[j]} mean: SVI {sums[j]:F4}, exact {mean[j]:F4}");
            Assert.True(Math.Abs(sums[3 + j] - sd[j]) < 0.008, $"{names[j]} sd: SVI {sums[3 + j]:F4}, exact {sd[j]:F4}");
        }
    }

    /// <summary>A module whose observation noise is a positive learnable attribute.</summary>
    private sealed class NoisyMean : PplModule<Tensor, Tensor>
    {
        public NoisyMean()
            : base(nameof(NoisyMean))
        {
            Set("noise", new PplParam(tensor(3.0f), Constraints.Positive));
            Set("mu", new PplSample(new Normal(0.0, 10.0)));
        }

        public Tensor Noise => Get("noise");

        // the attributes are read before the plate: read inside it, "mu" would be a latent per row
        protected override Tensor Compute(Tensor obs)
        {
            var mu = Get("mu");
            var noise = Get("noise");
            using var rows = Plate("data", obs.shape[0]);
            return Sample("obs", new Normal(mu, noise), obs: obs);
        }
    }

    [Fact]
    public void APositiveModuleParamStaysPositiveAndIsLearned()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var data = randn(200).mul(0.05f).add(1.0f); // noise 0.05: far below the initial 3, so the fit must push it down hard
        using var net = new NoisyMean();
        Tensor Model(Tensor d) => Module("m", net).forward(d);
        using var guide = new AutoNormal<Tensor>(Model);
        using var adam = new Adam(0.1);
        var svi = new Svi<Tensor>(Model, guide.Guide, adam, new TraceElbo(), seed: 1);
        svi.Fit(data, 1500);

        Assert.Contains("m.noise", svi.ParamStore.Names);
        Assert.Same(net.get_parameter("noise_unconstrained"), svi.ParamStore.GetUnconstrained("m.noise"));
        double noise = net.Noise.item<float>();
        Assert.True(noise > 0, $"noise {noise}");
        Assert.InRange(noise, 0.035, 0.08);
        Assert.Equal(noise, svi.ParamStore["m.noise"].item<float>(), 6);
    }
}
