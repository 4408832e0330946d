using static TorchSharp.torch;

namespace Ppl.Causal.SchemaNetworks;

/// <summary>
/// Candidate action sequences as a tree of their distinct prefixes, so a forward search rolls each shared
/// prefix once: "move k cells, then stay" for k = 0 … H has (2H + 1)·H sequence steps but about H² distinct
/// prefixes.
/// </summary>
internal sealed class PrefixTree
{
    private PrefixTree(long[][] parents, long[][] actions, long[][] nodeOf)
    {
        Parents = parents;
        Actions = actions;
        NodeOf = nodeOf;
    }

    /// <summary>The sequences' length.</summary>
    public int Depth => Parents.Count;

    /// <summary>Per depth t, for each distinct prefix of length t + 1, the index of its parent among those of length t (0 at t = 0: the start).</summary>
    public IReadOnlyList<long[]> Parents { get; }

    /// <summary>Per depth t, for each distinct prefix of length t + 1, its last action.</summary>
    public IReadOnlyList<long[]> Actions { get; }

    /// <summary>Per depth t, for each candidate, the index of its prefix of length t + 1.</summary>
    public IReadOnlyList<long[]> NodeOf { get; }

    public static PrefixTree Of(Tensor candidates)
    {
        using var scope = NewDisposeScope();
        int count = (int)candidates.shape[0], depth = (int)candidates.shape[1];
        long[] all = candidates.cpu().contiguous().data<long>().ToArray();
        var parents = new long[depth][];
        var actions = new long[depth][];
        var nodeOf = new long[depth][];
        var previous = new long[count];
        for (int t = 0; t < depth; t++)
        {
            var index = new Dictionary<(long Parent, long Action), long>();
            var nodeParents = new List<long>();
            var nodeActions = new List<long>();
            nodeOf[t] = new long[count];
            for (int k = 0; k < count; k++)
            {
                var key = (previous[k], all[(k * depth) + t]);
                if (!index.TryGetValue(key, out long node))
                {
                    node = nodeParents.Count;
                    index[key] = node;
                    nodeParents.Add(key.Item1);
                    nodeActions.Add(key.Item2);
                }

                nodeOf[t][k] = node;
            }

            parents[t] = [.. nodeParents];
            actions[t] = [.. nodeActions];
            previous = nodeOf[t];
        }

        return new PrefixTree(parents, actions, nodeOf);
    }
}
