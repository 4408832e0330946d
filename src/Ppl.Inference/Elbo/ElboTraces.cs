namespace Ppl.Inference;

/// <summary>The guide's trace and the model's trace replayed at the guide's draws, for one run of <see cref="Layout"/> particles.</summary>
/// <param name="Model">The model trace.</param>
/// <param name="Guide">The guide trace.</param>
/// <param name="Layout">The particles this run holds.</param>
public sealed record ElboTraces(Trace Model, Trace Guide, ParticleLayout Layout);
