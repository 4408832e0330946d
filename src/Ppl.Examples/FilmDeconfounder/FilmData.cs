using static TorchSharp.torch;

namespace Ppl.Examples.FilmDeconfounder;

/// <summary>
/// Films, who was cast in them and what they made: the deconfounder's data. A simulation also knows
/// the truth (the confounders, every actor's effect); data loaded from a CSV does not.
/// </summary>
/// <param name="Casting">A_ij = 1 when actor j is in film i, float32 [films, actors].</param>
/// <param name="Revenue">Y_i, float32 [films].</param>
/// <param name="Actors">The actors' names, one per column.</param>
/// <param name="Truth">What the simulation drew, or null for real data.</param>
internal sealed record FilmData(Tensor Casting, Tensor Revenue, IReadOnlyList<string> Actors, FilmTruth? Truth)
{
    /// <summary>Number of films.</summary>
    public long Films => Casting.shape[0];
}

/// <summary>The simulation's ground truth.</summary>
/// <param name="Confounders">Z_i, float32 [films, K].</param>
/// <param name="Effects">β_j, every actor's effect on revenue, float64 [actors].</param>
/// <param name="ConfounderEffects">γ, the confounders' effects on revenue, float64 [K].</param>
/// <param name="PlantedActor">The column of the planted "Bond" actor (β = 0, cast only in franchise films).</param>
internal sealed record FilmTruth(Tensor Confounders, Tensor Effects, Tensor ConfounderEffects, int PlantedActor);
