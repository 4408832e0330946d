using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using Ppl.Effects;
using Ppl.Params;
using static TorchSharp.torch;
using MathNetLogNormal = MathNet.Numerics.Distributions.LogNormal;
using MathNetNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Distributions.Transforms;

/// <summary>
/// <see cref="ExpTransform.Forward"/> remembers x for y = exp(x), and <see cref="ExpTransform.LogOf"/>
/// returns it instead of computing log y: exact where exp under- or overflows, one op fewer
/// elsewhere. It must give log y in every other case, including when y no longer is exp(x).
/// </summary>
[Collection("Sequential")]
public sealed class ExpPreimageTests
{
    private const double HalfLog2Pi = 0.91893853320467274178;

    private static Tensor Forward(Tensor x) => ExpTransform.Instance.Forward(x);

    [Fact]
    public void LogOfAForwardResultIsItsPreimageEvenWhereExpUnderflows()
    {
        using var scope = NewDisposeScope();
        // a draw-like x: computed with a gradient (not a leaf an optimizer could change in place)
        var x = tensor(new[] { -120f, -3f, 0f, 2.5f }).requires_grad_().mul(1f);
        var y = Forward(x);
        Assert.Equal(0f, y[0].item<float>()); // exp(−120) underflows in float32
        Assert.True(float.IsNegativeInfinity(y.log()[0].item<float>()));

        var log = ExpTransform.LogOf(y);
        Assert.Equal(new[] { -120f, -3f, 0f, 2.5f }, log.detach().data<float>().ToArray());
    }

    [Fact]
    public void LogOfATensorForwardDidNotMakeIsItsLog()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { -120f, -3f, 0f, 2.5f });
        var y = x.exp(); // the same values, not made by the transform
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
            var lp = new LogNormal(zeros(3), 1.0).LogProb(Forward(x)).detach();
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
        var lp = new Normal(zeros(2, dtype: float64), sigma).LogProb(tensor(new[] { 0.7, -1.1 }, dtype: float64));
        Assert.False(lp.requires_grad, "the density of a no_grad value requires grad (log σ was read from the parameter)");
    }
}
