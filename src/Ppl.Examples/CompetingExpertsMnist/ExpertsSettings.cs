namespace Ppl.Examples.CompetingExpertsMnist;

/// <summary>What one run of the competing-experts example trains and measures.</summary>
/// <param name="Mechanisms">The mechanisms the transformed data went through.</param>
/// <param name="Experts">How many experts compete.</param>
/// <param name="Filters">Channels per hidden layer of an expert.</param>
/// <param name="Iterations">Competition iterations.</param>
/// <param name="IdentitySteps">Identity-pretraining steps per expert.</param>
/// <param name="RecordEvery">Measure the routed accuracy every this many iterations.</param>
/// <param name="CurveExamples">Held-out examples the accuracy curve is measured on (the final table uses all).</param>
/// <param name="Seeds">Independent runs (data draw and initialization), seed, seed + 1, ….</param>
internal sealed record ExpertsSettings(
    IReadOnlyList<Mechanism> Mechanisms,
    int Experts,
    int Filters,
    int Iterations,
    int IdentitySteps,
    int RecordEvery,
    int CurveExamples,
    int Seeds);
