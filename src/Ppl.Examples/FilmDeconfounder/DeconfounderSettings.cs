namespace Ppl.Examples.FilmDeconfounder;

/// <summary>The sizes of a deconfounder run.</summary>
/// <param name="Films">Films simulated.</param>
/// <param name="Actors">Actors besides the planted one.</param>
/// <param name="Epochs">SVI epochs per factor-model fit.</param>
/// <param name="Factors">The numbers of factors the model choice tries (0 included: the independent-causes model the check must reject).</param>
/// <param name="Replications">Posterior draws of the predictive check.</param>
/// <param name="InterventionalCauses">How many actors get their effect by do() on the program too (all when null).</param>
/// <param name="EmRounds">Monte Carlo EM rounds after SVI for the chosen model's fits (the check's and the one Ẑ comes from); model choice compares SVI fits.</param>
internal sealed record DeconfounderSettings(int Films, int Actors, int Epochs, IReadOnlyList<int> Factors, int Replications, int? InterventionalCauses, int EmRounds)
{
    /// <summary>Simulation A as the course describes it.</summary>
    public static DeconfounderSettings Default { get; } = new(3000, 300, 100, [0, 1, 2, 3, 4], 100, null, 2);

    /// <summary>Small and fast, for the test suite.</summary>
    public static DeconfounderSettings Smoke { get; } = new(600, 60, 30, [2], 20, 5, 1);
}
