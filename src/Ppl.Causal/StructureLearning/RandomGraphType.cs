namespace Ppl.Causal;

/// <summary>The random graph families NOTEARS' simulations draw DAG skeletons from.</summary>
public enum RandomGraphType
{
    /// <summary>Erdős–Rényi: an undirected G(d, s₀) (exactly s₀ edges, uniformly among all pairs) oriented by a random node order.</summary>
    ErdosRenyi,

    /// <summary>Scale-free: a directed Barabási–Albert graph with m = round(s₀/d) edges per new node (new → old), nodes then permuted.</summary>
    ScaleFree,
}
