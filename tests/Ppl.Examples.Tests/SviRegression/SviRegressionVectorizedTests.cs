using Ppl.Distributions;
using Ppl.Examples.SviRegression;
using Ppl.Inference;
using static Ppl.Primitives;
using static TorchSharp.torch;
using LogNormalDist = MathNet.Numerics.Distributions.LogNormal;
using NormalDist = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Examples.SviRegression;

/// <summary>
/// The regression model runs vectorized: its particles (or predictive draws) carry w as
/// <c>[S, 1, D]</c>, which <c>X.matmul(w)</c> would read as a batch of 1 × D matrices (and abort
/// the process); the model's row-wise product broadcasts instead. At a point-mass guide every
/// draw is the same, so the results have closed forms.
/// </summary>
[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class SviRegressionVectorizedTests
{
    private static readonly float[] W0 = [0.3f, -0.2f, 0.1f];
    private const float B0 = 0.4f;

    private static Func<(Tensor X, Tensor? Y), object?> PointMassGuide(float sigma) => _ =>
    {
        Sample("w", new Delta(tensor(W0), eventDim: 1));
        Sample("b", new Delta(tensor(B0)));
        Sample("sigma", new Delta(tensor(sigma)));
        return null;
    };

    private static (Tensor X, Tensor Y, double[,] XValues, double[] YValues) Data(int n)
    {
        using var g = new Generator(3);
        var x = randn([n, W0.Length], generator: g);
        var y = randn([n], generator: g);
        var xs = new double[n, W0.Length];
        var flat = x.data<float>().ToArray();
        for (int i = 0; i < n; i++)
        {
            for (int d = 0; d < W0.Length; d++)
            {
                xs[i, d] = flat[(i * W0.Length) + d];
            }
        }

        return (x, y, xs, y.data<float>().Select(v => (double)v).ToArray());
    }

    private static double Mean(double[,] x, int row) => Enumerable.Range(0, W0.Length).Sum(d => x[row, d] * W0[d]) + B0;

    [Fact]
    public void VectorizedParticlesGiveTheClosedFormElbo()
    {
        using var scope = NewDisposeScope();
        const int N = 20;
        const double Sigma = 0.8;
        var (x, y, xs, ys) = Data(N);
        var elbo = new TraceElbo { NumParticles = 4, VectorizeParticles = true };

        double loss = elbo.Loss(SviRegressionExample.Model, PointMassGuide((float)Sigma), (x, y));

        Assert.True(elbo.LastRunVectorized);
        // −ELBO at a point-mass guide (log q = 0): −log p(y | w0, b0, σ) − log p(w0) − log p(b0) − log p(σ)
        double logLik = Enumerable.Range(0, N).Sum(i => NormalDist.PDFLn(Mean(xs, i), Sigma, ys[i]));
        double logPrior = W0.Sum(w => NormalDist.PDFLn(0, 1, w)) + NormalDist.PDFLn(0, 2, B0) + LogNormalDist.PDFLn(0, 1, Sigma);
        double truth = -(logLik + logPrior);
        Assert.Equal(truth, loss, 1e-4 * Math.Abs(truth));
    }

    [Fact]
    public void ParallelPredictiveDrawsOneMeanPerDrawAndRow()
    {
        using var scope = NewDisposeScope();
        const int N = 7, S = 5;
        const float Sigma = 1e-4f; // draws sit within 10σ = 1e-3 of the mean (failure odds below 1e-20)
        var (x, _, xs, _) = Data(N);
        var predictive = new Predictive<(Tensor X, Tensor? Y)>(SviRegressionExample.Model, PointMassGuide(Sigma), S, returnSites: ["y"], parallel: true);

        var draws = predictive.Sample((x, null), seed: 1)["y"];

        Assert.Equal(new long[] { S, N }, draws.shape);
        var values = draws.to(float64).data<double>().ToArray();
        for (int s = 0; s < S; s++)
        {
            for (int i = 0; i < N; i++)
            {
                Assert.InRange(values[(s * N) + i], Mean(xs, i) - 2e-3, Mean(xs, i) + 2e-3);
            }
        }
    }
}
