namespace Ppl.Examples.GwasDeconfounder;

/// <summary>The sizes of a Simulation B run.</summary>
/// <param name="Units">People simulated.</param>
/// <param name="Causes">SNPs simulated (before dropping those without variation).</param>
/// <param name="Structures">The Beta(a, a) population-structure parameters a, one data set each.</param>
/// <param name="Factors">K of every factor model.</param>
/// <param name="Epochs">SVI epochs per factor-model fit.</param>
/// <param name="Proposals">Importance draws per person for Ẑ (0: the encoder's mean).</param>
internal sealed record GwasSettings(int Units, int Causes, IReadOnlyList<double> Structures, int Factors, int Epochs, int Proposals)
{
    /// <summary>The paper's size: 5,000 people, 5,000 SNPs, a ∈ {0.1, 0.25, 0.5, 1}.</summary>
    public static GwasSettings Default { get; } = new(5000, 5000, [0.1, 0.25, 0.5, 1.0], 3, 20, 0);

    /// <summary>Small and fast, for the test suite.</summary>
    public static GwasSettings Smoke { get; } = new(400, 300, [0.1], 3, 3, 0);
}
