using Ppl.Causal;

namespace Ppl.Examples.Notears;

/// <summary>One cell of the NOTEARS table: a graph family at a number of nodes, with the authors' code's mean SHD and time where known.</summary>
/// <param name="Type">Erdős–Rényi or scale-free.</param>
/// <param name="Nodes">d.</param>
/// <param name="EdgesPerNode">s₀ / d: 2 for "ER2", 4 for "SF4".</param>
/// <param name="ReferenceShd">The mean SHD of the reference implementation on this kind of machine (λ₁ = 0.1, threshold 0.3, n = 1000, Gaussian noise), or null when the issue gives none.</param>
/// <param name="ReferenceSeconds">The reference's CPU time per run, or null when not stated.</param>
internal sealed record NotearsCell(RandomGraphType Type, int Nodes, int EdgesPerNode, double? ReferenceShd, double? ReferenceSeconds)
{
    /// <summary>"ER2", "SF4".</summary>
    public string Family => $"{(Type == RandomGraphType.ErdosRenyi ? "ER" : "SF")}{EdgesPerNode}";

    /// <summary>s₀.</summary>
    public int Edges => EdgesPerNode * Nodes;

    /// <summary>The acceptance bound of issue #22: 1.5 × the reference mean + 2.</summary>
    public double? ShdBound => ReferenceShd is { } r ? (1.5 * r) + 2 : null;

    /// <summary>The default run's cells: ER2 at d = 10 and 20.</summary>
    public static IReadOnlyList<NotearsCell> Default { get; } =
    [
        new(RandomGraphType.ErdosRenyi, 10, 2, 1.9, null),
        new(RandomGraphType.ErdosRenyi, 20, 2, 6.4, null),
    ];

    /// <summary><c>--full</c>: ER2 and SF4 at d ∈ {10, 20, 50, 100}.</summary>
    public static IReadOnlyList<NotearsCell> Full { get; } =
    [
        new(RandomGraphType.ErdosRenyi, 10, 2, 1.9, null),
        new(RandomGraphType.ScaleFree, 10, 4, null, null),
        new(RandomGraphType.ErdosRenyi, 20, 2, 6.4, null),
        new(RandomGraphType.ScaleFree, 20, 4, 17.3, null),
        new(RandomGraphType.ErdosRenyi, 50, 2, 18, null),
        new(RandomGraphType.ScaleFree, 50, 4, null, null),
        new(RandomGraphType.ErdosRenyi, 100, 2, 9, 330),
        new(RandomGraphType.ScaleFree, 100, 4, null, null),
    ];

    /// <summary>Smoke: ER2 at d = 5.</summary>
    public static IReadOnlyList<NotearsCell> Smoke { get; } = [new(RandomGraphType.ErdosRenyi, 5, 2, null, null)];
}
