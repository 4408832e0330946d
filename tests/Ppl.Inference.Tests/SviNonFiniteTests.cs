using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Optim;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>A NaN or infinite loss or gradient stops SVI at the step it appears, before the update, and says where.</summary>
[Collection("Sequential")]
public sealed class SviNonFiniteTests
{
    private static Tensor Model(Tensor y)
    {
        var mu = Sample("mu", new Normal(tensor(0.0f), 1.0));
        using var data = Plate("data", y.shape[0]);
        return Sample("y", new Normal(mu, 1.0), obs: y);
    }

    private static Tensor Guide(Tensor y)
    {
        var loc = Param("loc", () => tensor(0.0f));
        var scale = Param("scale", () => tensor(1.0f), Constraints.Positive);
        return Sample("mu", new Normal(loc, scale));
    }

    private static Tensor Data() => linspace(-1.0, 3.0, 20, dtype: float32);

    // a fixed scale: with SGD at lr 10 the location is multiplied by about −200 per step until
    // (y − μ)² overflows float32 and the loss is +∞
    private static Tensor LocationGuide(Tensor y) => Sample("mu", new Normal(Param("loc", () => tensor(0.0f)), 1.0));

    [Fact]
    public void ADivergingFitThrowsAtTheFirstNonFiniteStep()
    {
        using var scope = NewDisposeScope();
        using var sgd = new Sgd(10.0); // far too large: the parameters blow up within a few steps
        var svi = new Svi<Tensor>(Model, LocationGuide, sgd, new TraceElbo(), seed: 1);
        var e = Assert.Throws<SviStepException>(() => svi.Fit(Data(), 200));
        var nonFinite = Assert.IsType<NonFiniteException>(e.InnerException);

        Assert.Equal(e.Step, nonFinite.Step);
        Assert.Equal(e.Step - 1, svi.StepCount);
        Assert.Equal(e.Step - 1, e.Losses.Count);
        Assert.All(e.Losses, l => Assert.True(double.IsFinite(l), $"loss {l} was returned before the throw"));
        Assert.Contains($"step {e.Step}", nonFinite.Message, StringComparison.Ordinal);
        Assert.False(double.IsFinite(nonFinite.Loss));
        Assert.Contains("model:y", nonFinite.Sites);
        // nothing was updated at the failing step: the parameters are the last finite ones
        Assert.True(svi.ParamStore["loc"].isfinite().all().item<bool>());
        Assert.Equal(e.Step - 1, sgd.StepCount);
    }

    [Fact]
    public void ANonFiniteGradientWithAFiniteLossNamesTheParameter()
    {
        static Tensor SqrtGuide(Tensor y)
        {
            var loc = Param("loc", () => tensor(0.0f)); // d√x/dx is infinite at 0
            var scale = Param("scale", () => tensor(1.0f), Constraints.Positive);
            return Sample("mu", new Normal(loc.sqrt(), scale));
        }

        using var scope = NewDisposeScope();
        using var adam = new Adam(0.01);
        var svi = new Svi<Tensor>(Model, SqrtGuide, adam, new TraceElbo(), seed: 2);
        var e = Assert.Throws<NonFiniteException>(() => svi.Step(Data()));
        Assert.True(double.IsFinite(e.Loss));
        Assert.Equal(["loc"], e.Parameters);
        Assert.Empty(e.Sites);
        Assert.Equal(1, e.Step);
        Assert.Equal(0, svi.StepCount);
        Assert.Equal(0, adam.StepCount);
        Assert.Equal(0.0f, svi.ParamStore["loc"].item<float>());
    }

    [Fact]
    public void AnInfiniteLogDensityNamesTheSite()
    {
        static Tensor Outside(Tensor y)
        {
            var mu = Sample("mu", new Normal(tensor(0.0f), 1.0));
            using var data = Plate("data", y.shape[0]);
            return Sample("y", new Normal(mu, tensor(1e-30f)), obs: y); // (y − mu)² / σ² overflows float32
        }

        using var scope = NewDisposeScope();
        using var adam = new Adam(0.01);
        var svi = new Svi<Tensor>(Outside, Guide, adam, new TraceElbo(), seed: 3);
        var e = Assert.Throws<NonFiniteException>(() => svi.Step(Data()));
        Assert.False(double.IsFinite(e.Loss));
        Assert.Contains("model:y", e.Sites);
        Assert.DoesNotContain("model:mu", e.Sites);
    }

    [Fact]
    public void ContinuingIsAnOption()
    {
        using var scope = NewDisposeScope();
        using var sgd = new Sgd(10.0);
        var svi = new Svi<Tensor>(Model, LocationGuide, sgd, new TraceElbo(), seed: 1) { NonFinite = NonFinitePolicy.Continue };
        var returned = new List<double>();
        try
        {
            for (int i = 0; i < 30; i++)
            {
                returned.Add(svi.Step(Data()));
            }
        }
        catch (ModelExecutionException)
        {
            // once the location is ±∞ the draws are NaN, which validation rejects: that is the stop
        }

        Assert.Contains(returned, l => !double.IsFinite(l));
        Assert.Equal(returned.Count, svi.StepCount);
    }

    [Fact]
    public void HugeButFiniteGradientsAreNotAnError()
    {
        // two gradients of −3e38 each: finite, though their float32 sum (the check's fast path) is −∞
        static object? Steep(int unused)
        {
            var a = Param("a", () => tensor(0.0f));
            var b = Param("b", () => tensor(0.0f));
            Factor("f", a.mul(3e38f).add(b.mul(3e38f)));
            return null;
        }

        static object? NoLatents(int unused) => null;

        using var scope = NewDisposeScope();
        using var sgd = new Sgd(1e-39); // Adam would square the gradient, which does overflow
        var svi = new Svi<int>(Steep, NoLatents, sgd, new TraceElbo());
        double loss = svi.Step(0);
        Assert.Equal(0.0, loss);
        Assert.Equal(1, svi.StepCount);
        Assert.Equal(0.3, svi.ParamStore["a"].item<float>(), 5); // 0 − 1e-39 · (−3e38)
    }
}
