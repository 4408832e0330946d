using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.Gmm;

/// <summary>
/// A mixture of K Gaussians with a shared scale: weights ~ Dirichlet(0.5), each component's mean
/// locs[k] ~ Normal(0, 10), scale ~ LogNormal(0, 2), and per point assignment ~ Categorical(weights),
/// x ~ Normal(locs[assignment], scale). The same program serves both routes: enumerated
/// (<c>ConfigEnumerate</c>) the assignments are summed out; plain, a guide has to draw them.
/// </summary>
internal static class GmmModel
{
    /// <summary>The number of components the model assumes.</summary>
    public const int K = 3;

    /// <summary>The model; <paramref name="x"/> is observed.</summary>
    public static object? Model(Tensor x)
    {
        var weights = Sample("weights", new Dirichlet(full(K, 0.5f)));
        Tensor locs;
        using (Plate("components", K))
        {
            locs = Sample("locs", new Normal(zeros(K), 10.0f));
        }

        var scale = Sample("scale", new LogNormal(tensor(0.0f), 2.0f));
        using var data = Plate("data", x.shape[0]);
        var assignment = Sample("assignment", Categorical.FromProbs(weights));
        // under enumeration assignment is [K, 1] (its values along a dim left of the plate): locs.index
        // then gives each point every component's mean, [K, N] after broadcasting with x
        return Sample("obs", new Normal(locs.index(assignment), scale), obs: x);
    }

    /// <summary>
    /// The starting point of both fits (as Pyro's tutorial, a data-driven one): equal weights, the
    /// means at the data's quantiles (k + ½)/K, the scale half the data's standard deviation. A start at
    /// the prior's median would put all means at one point, where no gradient tells them apart.
    /// </summary>
    public static Dictionary<string, Tensor> Start(Tensor x)
    {
        var q = tensor(Enumerable.Range(0, K).Select(k => (k + 0.5f) / K).ToArray());
        return new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["weights"] = full(K, 1.0f / K),
            ["locs"] = x.quantile(q),
            ["scale"] = x.std().div(2),
        };
    }
}
