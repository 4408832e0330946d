namespace Ppl.Effects;

/// <summary>
/// What a <see cref="Message"/> asks for. A string-backed value so that other layers (the causal
/// layer's <c>intervene</c> and <c>split</c>) can declare new effects without touching the core.
/// </summary>
/// <param name="Value">The effect's name as shown in traces.</param>
public readonly record struct SiteKind(string Value)
{
    /// <summary>A random choice: <c>Sample(name, dist, obs:)</c>.</summary>
    public static readonly SiteKind Sample = new("sample");

    /// <summary>A learnable parameter: <c>Param(name, init, constraint:)</c>.</summary>
    public static readonly SiteKind Param = new("param");

    /// <summary>A recorded deterministic value: <c>Deterministic(name, value)</c>.</summary>
    public static readonly SiteKind Deterministic = new("deterministic");

    /// <summary>A plate entering: the message allocates its dimension and its subsample indices.</summary>
    public static readonly SiteKind Plate = new("plate");

    /// <inheritdoc />
    public override string ToString() => Value;
}
