namespace Ppl.Inference;

/// <summary>The guide's trace and the model's trace replayed at the guide's draws, for one run of <see cref="Layout"/> particles.</summary>
/// <param name="Model">The model trace.</param>
/// <param name="Guide">The guide trace.</param>
/// <param name="Layout">The particles this run holds.</param>
public sealed record ElboTraces(Trace Model, Trace Guide, ParticleLayout Layout)
{
    /// <summary>
    /// True for a further branch of the sequential enumeration of the same particles as the run before
    /// it (<see cref="Effects.EnumerateMode.Sequential"/>): its score adds to theirs instead of counting as
    /// new particles.
    /// </summary>
    public bool ContinuesParticles { get; init; }
}
