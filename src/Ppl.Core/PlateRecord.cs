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

    /// <summary>
    /// Whether two subsample index tensors are the same: the same tensor, or equal values. Values
    /// are compared on the CPU only (no device sync elsewhere, where same shape counts as same:
    /// the plate registry hands out the same tensor anyway).
    /// </summary>
    public static bool SameIndices(Tensor? a, Tensor? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || !a.Shape().AsSpan().SequenceEqual(b.Shape()))
        {
            return false;
        }

        return a.device_type != TorchSharp.DeviceType.CPU || b.device_type != TorchSharp.DeviceType.CPU || a.eq(b).all().item<bool>();
    }

    /// <summary>A requested spec as error messages show it.</summary>
    public static string Describe(long size, long subsampleSize, string placement) =>
        size < 0 ? $"any size, {placement}" : $"size {size}, subsample {subsampleSize}, {placement}";
}
