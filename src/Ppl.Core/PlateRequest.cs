using static TorchSharp.torch;

namespace Ppl;

/// <summary>The arguments a plate is entered with.</summary>
/// <param name="Name">The plate's name.</param>
/// <param name="Size">The full size; −1 for a plate of any size.</param>
/// <param name="SubsampleSize">How many indices to use; −1 for a plate of any size.</param>
/// <param name="Dim">The dim asked for, or null to allocate one (always null for sequential plates).</param>
/// <param name="Device">Where drawn indices live; null for the default device.</param>
/// <param name="Subsample">Indices given by the user, or null to draw them.</param>
internal sealed record PlateRequest(string Name, long Size, long SubsampleSize, int? Dim, Device? Device, Tensor? Subsample);
