using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>
/// mu ~ Normal(0, 1), y_i ~ Normal(mu, 1) in a plate of x's size; the template x only fixes the
/// size, dtype and device. Deterministic sites record 2·mu and mu broadcast over the plate.
/// </summary>
internal static class PredictiveModels
{
    public static Tensor Scalar(Tensor like, double value) => full(Array.Empty<long>(), value, dtype: like.dtype, device: like.device);

    public static Tensor Model(Tensor x)
    {
        var mu = Sample("mu", new Normal(Scalar(x, 0), Scalar(x, 1)));
        Deterministic("twice", mu.mul(2));
        using var data = Plate("data", x.shape[0]);
        Deterministic("cond_mean", mu.add(zeros_like(x)));
        return Sample("y", new Normal(mu, Scalar(x, 1)));
    }

    /// <summary>q(mu) = Normal(loc, scale) with params initialized to (0, 1); tests set the store to (2, 0.5).</summary>
    public static Tensor Guide(Tensor x)
    {
        var loc = Param("loc", () => Scalar(x, 0));
        var scale = Param("scale", () => Scalar(x, 1), Constraints.Positive);
        return Sample("mu", new Normal(loc, scale));
    }

    /// <summary>A store in which the guide is Normal(2, 0.5).</summary>
    public static Ppl.Params.ParamStore FittedStore()
    {
        var store = new Ppl.Params.ParamStore();
        using (NewDisposeScope())
        {
            using (store.Activate())
            {
                Guide(zeros(1));
            }

            using (no_grad())
            {
                store.GetUnconstrained("loc").fill_(2.0);
                store.GetUnconstrained("scale").fill_(Math.Log(0.5));
            }
        }

        return store;
    }
}
