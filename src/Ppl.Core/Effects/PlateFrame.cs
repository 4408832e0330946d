namespace Ppl.Effects;

/// <summary>
/// One conditional-independence context a site sits in (Pyro's <c>CondIndepStackFrame</c>).
/// </summary>
/// <param name="Name">The plate's name.</param>
/// <param name="Dim">The batch dimension (negative) of a vectorized plate; null for a sequential one.</param>
/// <param name="Size">The full size of the plate.</param>
/// <param name="SubsampleSize">How many of <paramref name="Size"/> are used in this run.</param>
/// <param name="Counter">The iteration of a sequential plate (0 for vectorized plates).</param>
public sealed record PlateFrame(string Name, int? Dim, long Size, long SubsampleSize, long Counter = 0)
{
    /// <summary>True for a plate that occupies a batch dimension.</summary>
    public bool IsVectorized => Dim is not null;

    /// <summary>The factor <c>Size / SubsampleSize</c> by which log-densities inside the plate are scaled.</summary>
    public double Scale => (double)Size / SubsampleSize;

    /// <inheritdoc />
    public override string ToString() =>
        Dim is int d ? $"{Name}[dim {d}, {SubsampleSize}/{Size}]" : $"{Name}[sequential #{Counter}, {SubsampleSize}/{Size}]";
}
