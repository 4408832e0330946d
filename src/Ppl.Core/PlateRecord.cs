using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// How a plate was first entered in a run: what every later entry of the same name must match
/// and reuse. Held by each <see cref="Trace"/> recording the run and by a <see cref="PlateDefinition"/>.
/// </summary>
/// <param name="Name">The plate's name.</param>
/// <param name="Size">The full size; −1 for a plate of any size.</param>
/// <param name="SubsampleSize">How many indices the run uses; −1 for a plate of any size.</param>
/// <param name="Dim">The batch dim of a vectorized plate; null for a sequential one.</param>
/// <param name="Indices">The subsample indices; null for a plate of any size and for a sequential plate without subsampling.</param>
internal sealed record PlateRecord(string Name, long Size, long SubsampleSize, int? Dim, Tensor? Indices)
{
    /// <summary>The spec as error messages show it.</summary>
    public string Describe() => Describe(Size, SubsampleSize, Dim is int d ? $"dim {d}" : "sequential");

    /// <summary>A requested spec as error messages show it.</summary>
    public static string Describe(long size, long subsampleSize, string placement) =>
        size < 0 ? $"any size, {placement}" : $"size {size}, subsample {subsampleSize}, {placement}";
}
