using static TorchSharp.torch;

namespace Ppl.Examples.GwasDeconfounder;

/// <summary>
/// A simulated genome-wide association study: genotypes of N people at m SNPs, a trait, and what the
/// simulation knows (every SNP's effect, the population groups the trait's confounding comes from).
/// </summary>
/// <param name="Genotypes">G_ij ∈ {0, 1, 2}, copies of the minor allele, float32 [N, m] (SNPs with no variation dropped).</param>
/// <param name="Trait">y_i, float32 [N].</param>
/// <param name="Effects">β_j, every SNP's true effect on the trait, float64 [m].</param>
/// <param name="Groups">The population group (0, 1, 2) the trait's confounding term is built from, float32 [N].</param>
internal sealed record GwasData(Tensor Genotypes, Tensor Trait, Tensor Effects, Tensor Groups)
{
    /// <summary>N, the people.</summary>
    public long Units => Genotypes.shape[0];

    /// <summary>m, the SNPs.</summary>
    public int Causes => (int)Genotypes.shape[1];
}
