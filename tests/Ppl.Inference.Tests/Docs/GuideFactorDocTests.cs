using Ppl.Diagnostics;
using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Inference;
using Ppl.Inference.Optim;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Docs;

/// <summary>
/// The guide-factor example of docs/inference.md ("Model and guide checks"): sigma = exp(u) with
/// the log-Jacobian declared as a reparameterized guide factor is a LogNormal guide, so the
/// ELBO's log q must be the LogNormal density of the draw.
/// </summary>
[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class GuideFactorDocTests
{
    // the programs of the docs example, word for word
    private static Tensor Model(Tensor x)
    {
        var sigma = Sample("sigma", new LogNormal(tensor(0.0f), tensor(1.0f)));
        using var data = Plate("data", x.shape[0]);
        return Sample("x", new Normal(tensor(0.0f), sigma), obs: x);
    }

    private static Tensor Guide(Tensor x)
    {
        var loc = Param("loc", () => tensor(0.0f));
        var scale = Param("scale", () => tensor(0.5f), Constraints.Positive);
        var u = Sample("u", new Normal(loc, scale), infer: InferConfig.Default with { IsAuxiliary = true });
        // sigma = exp(u): log q(sigma) = log q(u) − log |d sigma / du| = log q(u) − u
        Factor("log_jacobian", u.neg(), hasRSample: true);
        return Sample("sigma", new Delta(u.exp()));
    }

    private static Tensor Data() => tensor(new[] { 0.8f, -1.9f, 2.4f, -0.3f });

    [Fact]
    public void TheGuidesLogQIsTheLogNormalDensityOfItsDraw()
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        var x = Data();
        using (store.Activate())
        {
            var estimate = new TraceElbo().Estimate(Model, Guide, x);
            var run = estimate.Runs[0];
            var sigma = run.Guide["sigma"].Value!;
            var logQ = new LogNormal(store["loc"], store["scale"]).LogProb(sigma);
            var expected = run.Model.LogProbSum().sub(logQ).neg();
            // two float32 routes to the same number (log q(u) − u against the LogNormal density of
            // exp(u)) differ by a few ulps, and an ulp at this loss (~45) is 3.8e-6: 1e-4 is ~25 ulps
            Assert.Equal(expected.ToDouble(), estimate.Loss.ToDouble(), 1e-4);
        }
    }

    [Fact]
    public void TheExampleFitsWithoutWarnings()
    {
        using var scope = NewDisposeScope();
        using var warningsAreErrors = PplWarnings.AsErrors();
        using var adam = new Adam(0.02);
        var svi = new Svi<Tensor>(Model, Guide, adam, new TraceElbo(), seed: 0);
        double[] losses = svi.Fit(Data(), 1000);
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));

        // log sigma's posterior mean by quadrature: prior N(0, 1), likelihood Π N(x_i; 0, e^s)
        double[] xs = [0.8, -1.9, 2.4, -0.3];
        double sumSquares = xs.Sum(v => v * v);
        double LogPosterior(double s) => (-0.5 * s * s) - (xs.Length * s) - (sumSquares / (2 * Math.Exp(2 * s)));
        var grid = Enumerable.Range(0, 20_001).Select(i => -5 + (i * 1e-3 / 2)).ToArray();
        var weights = grid.Select(s => Math.Exp(LogPosterior(s))).ToArray();
        double posteriorMean = grid.Zip(weights, (s, w) => s * w).Sum() / weights.Sum();

        // a Gaussian fit of log sigma is close to it (VI's approximation and the last steps' noise: 0.15 at most)
        double loc = svi.ParamStore["loc"].ToDouble();
        Assert.True(Math.Abs(loc - posteriorMean) < 0.15, $"loc {loc}, posterior mean {posteriorMean}");
    }
}
