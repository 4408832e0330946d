using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// What a reparameterized draw was made from, returned with the value by
/// <see cref="Distribution.SampleWithNoise"/> so that whoever keeps the value keeps this with it
/// (the sample primitive puts it on the <see cref="Effects.Message"/>, the trace on the
/// <see cref="Site"/>), and an ELBO can evaluate log q of the draw from it
/// (<see cref="Distribution.LogProbFromNoise"/>). Distributions themselves hold no per-draw state.
/// </summary>
/// <param name="Standard">The standard noise z of a location-scale draw (value = loc + scale · z), or of LogNormal's underlying normal.</param>
/// <param name="Preimage">The point the value was mapped from: a LogNormal draw's log, a transformed draw's base draw.</param>
/// <param name="Base">The base distribution's record, for a draw that pushed a base draw through a transform.</param>
internal sealed record DrawNoise(Tensor? Standard, Tensor? Preimage = null, DrawNoise? Base = null)
{
    /// <summary>x with value = exp(x) exactly as drawn, when the draw's last step was <see cref="Transforms.ExpTransform"/>; null otherwise.</summary>
    public Tensor? ExpPreimage { get; init; }
}
