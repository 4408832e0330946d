using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using Ppl.Effects;
using Ppl.Params;
using static TorchSharp.torch;
using MathNetLogNormal = MathNet.Numerics.Distributions.LogNormal;
using MathNetNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Distributions.Transforms;

/// <summary>
/// While a run's recorded preimages are installed (<see cref="ExpPreimages"/>: an ELBO installs
/// those its guide trace recorded), <see cref="ExpTransform.LogOf(Tensor)"/> returns the x of y =
/// exp(x) instead of computing log y: exact where exp under- or overflows, one op fewer elsewhere.
/// It must give log y in every other case: outside such an evaluation, with fast paths off, for a
/// tensor that is not the recorded one, and when y may no longer be exp(x).
/// </summary>
[Collection("Sequential")]
public sealed class ExpPreimageTests
{
    private const double HalfLog2Pi = 0.91893853320467274178;

    private static Tensor Forward(Tensor x) => ExpTransform.Instance.Forward(x);

    /// <summary>Makes y = exp(x) known, as a run's site would record it.</summary>
    private static ExpPreimages Known(Tensor y, Tensor x)
    {
        using (FastPaths.Enable()) // the switch decides at installation (these tests pin the fast path itself)
        {
            return ExpPreimages.Install([(y, x)]) ?? throw new InvalidOperationException("nothing installed");
        }
    }

    [Fact]
    public void LogOfAForwardResultIsItsPreimageEvenWhereExpUnderflows()
    {
        using var scope = NewDisposeScope();
        // a draw-like x: computed with a gradient (not a leaf an optimizer could change in place)
        var x = tensor(new[] { -120f, -3f, 0f, 2.5f }).requires_grad_().mul(1f);
        var y = Forward(x);
        Assert.Equal(0f, y[0].item<float>()); // exp(−120) underflows in float32
        Assert.True(float.IsNegativeInfinity(y.log()[0].item<float>()));

        using var known = Known(y, x);
        var log = ExpTransform.LogOf(y);
        Assert.Equal(new[] { -120f, -3f, 0f, 2.5f }, log.detach().data<float>().ToArray());
    }

    [Fact]
    public void LogOfATensorForwardDidNotMakeIsItsLog()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { -120f, -3f, 0f, 2.5f }).requires_grad_().mul(1f);
        using var known = Known(Forward(x), x);
        var y = x.exp(); // the same values, not the recorded tensor
        var log = ExpTransform.LogOf(y);
        Assert.True(float.IsNegativeInfinity(log[0].item<float>()));
        Assert.Equal(y.log().data<float>().ToArray(), log.data<float>().ToArray());

        var copy = Forward(x).clone();
        Assert.True(float.IsNegativeInfinity(ExpTransform.LogOf(copy)[0].item<float>()));
    }

    [Fact]
    public void LogOfFallsBackToTheLogOnceThePreimageIsDisposed()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { -120f, 1.5f }).requires_grad_().mul(1f); // draw-like, so the preimage would be used
        var y = Forward(x);
        using var known = Known(y, x);
        Assert.Equal(-120f, ExpTransform.LogOf(y)[0].item<float>());
        x.Dispose();
        var log = ExpTransform.LogOf(y).detach();
        Assert.True(float.IsNegativeInfinity(log[0].item<float>()));
        Assert.Equal(MathF.Log(MathF.Exp(1.5f)), log[1].item<float>());
    }

    [Fact]
    public void LogNormalDensityOfAnUnderflowedForwardResultIsTheClosedFormInX()
    {
        // log LN(e^x; 0, 1) = −x − ½ log 2π − x²/2: at x = −120 that is −7080.918…, although e^x is 0 in float32
        using var scope = NewDisposeScope();
        bool validation = Distribution.ValidationEnabled;
        Distribution.ValidationEnabled = false; // the support check would (rightly) see the 0
        try
        {
            var x = tensor(new[] { -120f, -30f, 0.5f }).requires_grad_().mul(1f); // draw-like: not a leaf
            var y = Forward(x);
            using var known = Known(y, x);
            var lp = new LogNormal(zeros(3), 1.0).LogProb(y).detach();
            var xs = new[] { -120.0, -30.0, 0.5 };
            for (int i = 0; i < xs.Length; i++)
            {
                double expected = -xs[i] - HalfLog2Pi - (xs[i] * xs[i] / 2);
                float actual = lp[i].item<float>();
                Assert.True(float.IsFinite(actual), $"x = {xs[i]}: {actual}");
                Assert.Equal(expected, actual, Math.Abs(expected) * 1e-6);
            }
        }
        finally
        {
            Distribution.ValidationEnabled = validation;
        }
    }

    [Fact]
    public void LogNormalDensityOfAForwardResultHasTheClosedFormGradientInX()
    {
        // d/dx log LN(e^x; μ, σ) = −1 − (x − μ)/σ²
        using var scope = NewDisposeScope();
        var x = tensor(new[] { -2.0, 0.3, 4.0 }, dtype: float64).requires_grad_();
        const double Mu = 0.4, Sigma = 1.7;
        var lp = new LogNormal(full(3, Mu, dtype: float64), Sigma).LogProb(Forward(x));
        var xs = new[] { -2.0, 0.3, 4.0 };
        var lv = lp.detach().data<double>().ToArray();
        var grad = autograd.grad([lp.sum()], [x])[0].data<double>().ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.Equal(MathNetLogNormal.PDFLn(Mu, Sigma, Math.Exp(xs[i])), lv[i], 1e-12);
            Assert.Equal(-1 - ((xs[i] - Mu) / (Sigma * Sigma)), grad[i], 1e-12);
        }
    }

    [Fact]
    public void AForwardResultModifiedInPlaceIsNoLongerReadThroughItsPreimage()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 0.5, -1.0 }, dtype: float64);
        var y = Forward(x);
        using var known = Known(y, x);
        y.mul_(2.0); // y is now 2e^x: its log is x + log 2
        var log = ExpTransform.LogOf(y).data<double>().ToArray();
        Assert.Equal(0.5 + Math.Log(2), log[0], 1e-12);
        Assert.Equal(-1.0 + Math.Log(2), log[1], 1e-12);
    }

    [Fact]
    public void APositiveParameterValueHeldAcrossAnUpdateHasTheDensityOfItsOwnValues()
    {
        // σ = store["sigma"] is exp(u); the unconstrained u is then changed in place, as an
        // optimizer step or ParamStore.Load does. σ keeps its values, so N(v; 0, σ) must be
        // the density at those values, not one that reads log σ from the updated u.
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        var sigma = store.GetOrCreate("sigma", new ParamSpec(() => tensor(new[] { 0.5, 2.0 }, dtype: float64), Constraints.Positive, 0, null));
        var values = sigma.detach().clone().data<double>().ToArray();
        using var known = Known(sigma, store.GetUnconstrained("sigma"));
        using (no_grad())
        {
            store.GetUnconstrained("sigma").add_(0.3);
        }

        var v = tensor(new[] { 0.7, -1.1 }, dtype: float64);
        var lp = new Normal(zeros(2, dtype: float64), sigma).LogProb(v).detach().data<double>().ToArray();
        Assert.Equal(MathNetNormal.PDFLn(0, values[0], 0.7), lp[0], 1e-12);
        Assert.Equal(MathNetNormal.PDFLn(0, values[1], -1.1), lp[1], 1e-12);
    }

    [Fact]
    public void AParameterValueReadWithoutGradientGivesADensityWithoutGradient()
    {
        // a value read under no_grad carries no graph; a density of it must not reach the parameter
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        Tensor sigma;
        using (no_grad())
        {
            sigma = store.GetOrCreate("sigma", new ParamSpec(() => tensor(new[] { 0.5, 2.0 }, dtype: float64), Constraints.Positive, 0, null));
        }

        Assert.False(sigma.requires_grad);
        using var known = Known(sigma, store.GetUnconstrained("sigma"));
        var lp = new Normal(zeros(2, dtype: float64), sigma).LogProb(tensor(new[] { 0.7, -1.1 }, dtype: float64));
        Assert.False(lp.requires_grad, "the density of a no_grad value requires grad (log σ was read from the parameter)");
    }

    [Fact]
    public void NothingIsRememberedOutsideAnEvaluation()
    {
        // no process-wide table: a forward result read outside an installed run is logged afresh,
        // and so is one whose run's table was disposed
        using var scope = NewDisposeScope();
        var x = tensor(new[] { -120f, 1.5f }).requires_grad_().mul(1f);
        var y = Forward(x);
        Assert.True(float.IsNegativeInfinity(ExpTransform.LogOf(y)[0].item<float>()));
        using (Known(y, x))
        {
            Assert.Equal(-120f, ExpTransform.LogOf(y)[0].item<float>());
        }

        Assert.True(float.IsNegativeInfinity(ExpTransform.LogOf(y)[0].item<float>()));
    }

    [Fact]
    public void WithFastPathsOffNoTableIsInstalled()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { -120f, 1.5f }).requires_grad_().mul(1f);
        var y = Forward(x);
        using (FastPaths.Disable())
        {
            using var table = ExpPreimages.Install([(y, x)]);
            Assert.Null(table);
            Assert.True(float.IsNegativeInfinity(ExpTransform.LogOf(y)[0].item<float>()));
        }
    }

    [Fact]
    public void APositiveParamSiteRecordsItsUnconstrainedValueAndALeafIsReadOnlyForLogQ()
    {
        // the store reports the parameter behind exp, the param site records it, the table is
        // built from the trace; only a reader evaluating log q of its own draws may use a leaf
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        Trace trace;
        using (store.Activate())
        {
            Func<Tensor> model = () => Ppl.Primitives.Param("sigma", tensor(new[] { 0.5, 2.0 }, dtype: float64), Constraints.Positive);
            trace = model.GetTrace();
        }

        var site = trace["sigma"];
        var u = store.GetUnconstrained("sigma");
        Assert.Same(u, site.ExpPreimage);
        using var paths = FastPaths.Enable();
        using var table = ExpPreimages.Install(trace);
        Assert.NotNull(table);
        Assert.Same(u, ExpTransform.LogOf(site.Value!, leafPreimages: true));
        Assert.NotSame(u, ExpTransform.LogOf(site.Value!));
    }
}
