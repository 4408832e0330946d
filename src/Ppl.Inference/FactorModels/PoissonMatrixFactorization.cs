using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// The Poisson maximum-likelihood factorization of a count matrix, A ≈ W Hᵀ with W, H ≥ 0, by Lee &amp;
/// Seung's multiplicative updates for the KL divergence (each update raises the Poisson likelihood).
/// It gives <see cref="PoissonFactorization"/>'s SVI a start near the likelihood's maximum: from the
/// feasible point, where every loading is equal, SVI settles far from it.
/// </summary>
internal static class PoissonMatrixFactorization
{
    /// <summary>Multiplicative updates run: the likelihood gains little after a few dozen.</summary>
    public const int Iterations = 50;

    /// <summary>
    /// Factors <paramref name="counts"/> [N, m] (its entries where <paramref name="observed"/> is true; all
    /// when null) into <paramref name="factors"/> components; returns the loadings H [m, K] with the units'
    /// factors W scaled to mean <paramref name="unitMean"/> per component. Loadings are kept at least
    /// 10⁻⁶ × their mean, so their logarithm, where SVI starts, is finite.
    /// </summary>
    public static Tensor Loadings(Tensor counts, Tensor? observed, int factors, double unitMean, Generator? generator)
    {
        using var scope = NewDisposeScope();
        var (w, h) = Factorize(counts, observed, factors, Iterations, generator);
        h = h.mul(w.mean([0L]).div(unitMean).clamp_min(1e-12)); // W Hᵀ is unchanged by W / c, H · c
        return h.maximum(h.mean().mul(1e-6)).MoveToOuterDisposeScope();
    }

    /// <summary>W [N, K] and H [m, K] after <paramref name="iterations"/> updates from a random start drawn with <paramref name="generator"/>.</summary>
    public static (Tensor Units, Tensor Loadings) Factorize(Tensor counts, Tensor? observed, int factors, int iterations, Generator? generator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var v = counts.to_type(ScalarType.Float32);
        var mask = observed?.to_type(ScalarType.Float32);
        if (mask is not null)
        {
            v = v.mul(mask);
        }

        long n = v.shape[0], m = v.shape[1];

        // W Hᵀ starts near the matrix's mean level, its components well apart: from nearly equal ones the
        // updates take many more rounds to separate them
        var level = (mask is null ? v.mean() : v.sum().div(mask.sum().clamp_min(1))).clamp_min(1e-6).div(factors).sqrt();
        var w = rand(n, factors, generator: generator, device: v.device).add(0.1).mul(level);
        var h = rand(m, factors, generator: generator, device: v.device).add(0.1).mul(level);
        var unitsPerLoading = mask?.T; // [m, N]: a loading's update sums over its observed entries only
        for (int i = 0; i < iterations; i++)
        {
            using var step = NewDisposeScope();
            var ratio = Ratio(v, w, h, mask);
            var newH = h.mul(ratio.T.CheckedMatMul(w)).div((unitsPerLoading is null ? w.sum([0L]).unsqueeze(0) : unitsPerLoading.CheckedMatMul(w)).clamp_min(1e-12));
            ratio = Ratio(v, w, newH, mask);
            var newW = w.mul(ratio.CheckedMatMul(newH)).div((mask is null ? newH.sum([0L]).unsqueeze(0) : mask.CheckedMatMul(newH)).clamp_min(1e-12));
            h = newH.MoveToOuterDisposeScope();
            w = newW.MoveToOuterDisposeScope();
        }

        return (w.MoveToOuterDisposeScope(), h.MoveToOuterDisposeScope());
    }

    /// <summary>A / (W Hᵀ) on the observed entries, 0 elsewhere.</summary>
    private static Tensor Ratio(Tensor v, Tensor w, Tensor h, Tensor? mask)
    {
        var ratio = v.div(w.CheckedMatMul(h.T).clamp_min(1e-12));
        return mask is null ? ratio : ratio.mul(mask);
    }
}
