using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Elbo;

/// <summary>
/// The ELBO reads log σ of a σ = exp(x) its guide run made from the x recorded on the guide's
/// sites (a positive parameter's unconstrained tensor, an AutoNormal draw pushed through exp):
/// the loss and every gradient must equal the plain path's (fast paths off) to float64 rounding,
/// and the table must belong to the evaluation, not outlive it.
/// </summary>
[Collection("Sequential")]
public sealed class ExpPreimageElboTests
{
    private const double Tolerance = 1e-10;

    private static readonly double[] Data = [0.4, -0.3, 1.1, 0.8];

    private static object? Model(int _)
    {
        var sigma = Sample("sigma", new LogNormal(tensor(0.0, dtype: float64), 1.0));
        var mu = Sample("mu", new Normal(tensor(0.0, dtype: float64), 1.0));
        using var data = Plate("data", Data.Length);
        Sample("x", new Normal(mu, sigma), obs: tensor(Data, dtype: float64));
        return null;
    }

    private static (double Loss, double[] Gradients) Step(AutoNormal<int> guide, ParamStore store, bool fast)
    {
        using var scope = NewDisposeScope();
        using var paths = fast ? FastPaths.Enable() : FastPaths.Disable();
        manual_seed(17);
        Tensor loss;
        using (store.Activate())
        {
            loss = new TraceElbo { NumParticles = 3 }.DifferentiableLoss<int>(Model, a => guide.Guide(a), 0);
        }

        var parameters = store.Names.Select(n => (Tensor)store.GetUnconstrained(n)).ToList();
        var grads = autograd.grad([loss], parameters);
        return (loss.item<double>(), [.. grads.SelectMany(g => g.data<double>().ToArray())]);
    }

    [Fact]
    public void LossAndGradientsEqualThePlainPaths()
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using var guide = new AutoNormal<int>(Model, initScale: 0.4);
        var fast = Step(guide, store, fast: true);
        var plain = Step(guide, store, fast: false);
        Assert.True(Math.Abs(fast.Loss - plain.Loss) <= Tolerance * Math.Max(1, Math.Abs(plain.Loss)), $"loss: plain {plain.Loss:R}, fast {fast.Loss:R}");
        Assert.Equal(plain.Gradients.Length, fast.Gradients.Length);
        for (int i = 0; i < plain.Gradients.Length; i++)
        {
            Assert.True(Math.Abs(fast.Gradients[i] - plain.Gradients[i]) <= Tolerance * Math.Max(1, Math.Abs(plain.Gradients[i])), $"gradient {i}: plain {plain.Gradients[i]:R}, fast {fast.Gradients[i]:R}");
        }
    }

    [Fact]
    public void TheGuidesRecordsAreReadOnlyWhileTheElboEvaluates()
    {
        using var scope = NewDisposeScope();
        using var paths = FastPaths.Enable();
        using var store = new ParamStore();
        using var guide = new AutoNormal<int>(Model, initScale: 0.4);
        ElboEstimate estimate;
        using (store.Activate())
        {
            estimate = new TraceElbo().Estimate<int>(Model, a => guide.Guide(a), 0);
        }

        var run = estimate.Runs[0];
        var sigma = run.Guide["sigma"];
        var x = sigma.ExpPreimage;
        Assert.NotNull(x); // AutoNormal pushed its normal draw through exp
        Assert.NotSame(x, ExpTransform.LogOf(sigma.Value!)); // outside the evaluation: a fresh log
        using (ElboTerms.Preimages(run))
        {
            Assert.Same(x, ExpTransform.LogOf(sigma.Value!));
            Assert.Same(x, ExpTransform.LogOf(run.Model["sigma"].Value!)); // the model scores the guide's very tensor
        }

        using (FastPaths.Disable())
        {
            Assert.Null(ElboTerms.Preimages(run));
        }
    }
}
