using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Examples.GwasDeconfounder;

/// <summary>
/// Simulation B: the fully synthetic "spatial" GWAS setting of Wang &amp; Blei (<i>The Blessings of
/// Multiple Causes</i>, §4; their code's <c>sim_genes_SP</c> and <c>sim_single_traits</c>). Each person
/// has a place S_i = (s_i1, s_i2, 1) with s ~ Beta(a, a) (small a: people cluster at the corners); SNP j
/// has allele frequencies Γ_j = (0.45 u, 0.45 u′, 0.05) with u, u′ ~ U(0, 1); G_ij ~ Binomial(2, S_i · Γ_j).
/// The trait: 10% of the SNPs are causal with β_j ~ N(0, 0.25²); the population group λ_i (3-means of
/// ten random SNPs' genotypes) adds confounding and sets the noise's scale, τ_λ = 1 / Gamma(3, 1);
/// the SNPs explain 10% of the trait's variance, the groups 20% and the noise 70%, and the trait is
/// rescaled so the SNPs' part has standard deviation 10.
/// </summary>
internal static class GwasSimulation
{
    private const double SnpShare = 0.1;
    private const double ConfounderShare = 0.2;
    private const double CausalShare = 0.1;

    /// <summary>Draws <paramref name="units"/> people at <paramref name="causes"/> SNPs with population structure Beta(<paramref name="a"/>, <paramref name="a"/>).</summary>
    public static GwasData Generate(long seed, int units, int causes, double a)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 20);
        ArgumentOutOfRangeException.ThrowIfLessThan(causes, 10);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(a);
        using var scope = NewDisposeScope();
        var g = new Generator((ulong)seed);

        var frequencies = rand(causes, 2, dtype: float64, generator: g).mul(0.45);
        var gamma = cat([frequencies, full(causes, 1, 0.05, dtype: float64)], 1);
        var places = new Beta(full(units, 2, a, dtype: float64), full(units, 2, a, dtype: float64)).Sample(g);
        var s = cat([places, ones(units, 1, dtype: float64)], 1);
        var p = s.CheckedMatMul(gamma.T);
        var genotypes = rand(units, causes, dtype: float64, generator: g).lt(p).to(float64)
            .add(rand(units, causes, dtype: float64, generator: g).lt(p).to(float64));

        var clustered = genotypes.index_select(1, randint(causes, [10], generator: g));
        var groups = KMeans.Labels(clustered, 3, g);
        var varying = genotypes.std([0L]).gt(0);
        genotypes = genotypes.index(TensorIndex.Colon, TensorIndex.Tensor(varying));
        int m = (int)genotypes.shape[1];

        var noiseScale = new Gamma(full(3, 3.0, dtype: float64), 1.0).Sample(g).reciprocal();
        var noise = randn(units, dtype: float64, generator: g).mul(noiseScale.index_select(0, groups));
        var effects = zeros(m, dtype: float64);
        int causal = (int)(CausalShare * m);
        effects.narrow(0, 0, causal).copy_(randn(causal, dtype: float64, generator: g).mul(0.25));

        var snpPart = genotypes.CheckedMatMul(effects.unsqueeze(-1)).squeeze(-1);
        double snpSd = snpPart.std().item<double>();
        var group = groups.to(float64);
        var trait = snpPart
            .add(Standardized(group).mul(Math.Sqrt(ConfounderShare / SnpShare) * snpSd))
            .add(noise.div(noise.std()).mul(Math.Sqrt((1 - SnpShare - ConfounderShare) / SnpShare) * snpSd));
        double scale = snpSd / 10;
        trait = trait.sub(trait.mean()).div(scale);
        return new GwasData(
            genotypes.to(float32).MoveToOuterDisposeScope(),
            trait.to(float32).MoveToOuterDisposeScope(),
            effects.div(scale).MoveToOuterDisposeScope(),
            group.to(float32).MoveToOuterDisposeScope());
    }

    private static Tensor Standardized(Tensor x) => x.sub(x.mean()).div(x.std(unbiased: false));
}
