using static TorchSharp.torch;

namespace Ppl.Effects;

/// <summary>Arguments of a plate allocation message.</summary>
/// <param name="Size">The full size of the plate.</param>
/// <param name="SubsampleSize">How many indices to use in this run.</param>
/// <param name="RequestedDim">A negative dim the user asked for, or null to allocate one.</param>
/// <param name="Device">Where the subsample indices live.</param>
public sealed record PlateSpec(long Size, long SubsampleSize, int? RequestedDim, Device Device);
