using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.Hmm;

/// <summary>
/// A hidden Markov model with K states and Gaussian emissions: each row of the transition matrix
/// ~ Dirichlet(1 + 2·[j = i]) (a mild preference for staying), each state's emission mean
/// ~ Normal(0, 5), the shared emission scale ~ LogNormal(0, 1); the first state uniform, then
/// z_t ~ Categorical(transition[z_{t−1}]) and x_t ~ Normal(locs[z_t], scale). The loop runs under
/// <c>Markov</c>, so with the states enumerated the chain needs two enumeration dims whatever its length.
/// </summary>
internal static class HmmModel
{
    /// <summary>The number of hidden states the model assumes.</summary>
    public const int K = 3;

    /// <summary>The model; <paramref name="x"/> (one observation per step, [T]) is observed.</summary>
    public static object? Model(Tensor x)
    {
        Tensor transition, locs;
        using (Plate("states", K))
        {
            transition = Sample("transition", new Dirichlet(eye(K).mul(2).add(1)));
            locs = Sample("locs", new Normal(zeros(K), 5.0f));
        }

        var scale = Sample("scale", new LogNormal(tensor(0.0f), 1.0f));
        Tensor? state = null;
        foreach (int t in Markov(Enumerable.Range(0, (int)x.shape[0])))
        {
            // under enumeration state holds all K values along a dim of its own: transition.index(state)
            // is then the row of every previous value, and z_t gets a dim of its own to the left
            var probs = state is null ? full(K, 1.0f / K) : transition.index(state);
            state = Sample($"z_{t}", Categorical.FromProbs(probs));
            Sample($"x_{t}", new Normal(locs.index(state), scale), obs: x[t]);
        }

        return null;
    }

    /// <summary>
    /// The fit's starting point: rows that stay with probability 0.8, the means at the data's quantiles
    /// (k + ½)/K, the scale half the data's standard deviation (at the prior's median all means would
    /// coincide, and no gradient would tell the states apart).
    /// </summary>
    public static Dictionary<string, Tensor> Start(Tensor x)
    {
        var q = tensor(Enumerable.Range(0, K).Select(k => (k + 0.5f) / K).ToArray());
        return new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["transition"] = eye(K).mul(0.8f - (0.2f / (K - 1))).add(0.2f / (K - 1)),
            ["locs"] = x.quantile(q),
            ["scale"] = x.std().div(2),
        };
    }

    /// <summary>The state of every step in <paramref name="trace"/>, a run of <see cref="Model"/> on <paramref name="steps"/> steps.</summary>
    public static long[] States(Trace trace, int steps) =>
        [.. Enumerable.Range(0, steps).Select(t => trace[$"z_{t}"].Value!.item<long>())];
}
