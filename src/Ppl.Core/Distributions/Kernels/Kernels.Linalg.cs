using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>Linear-algebra kernels of the multivariate families.</summary>
internal static partial class Kernels
{
    /// <summary>
    /// X with <paramref name="lower"/>·X = <paramref name="rhs"/> for lower-triangular
    /// <paramref name="lower"/> (<c>[..., D, D]</c>) and <paramref name="rhs"/> (<c>[..., D, K]</c>),
    /// batch dims broadcast. LibTorch has no meta kernel for the triangular solve; on meta the
    /// product <c>lower·rhs</c> has the solution's shape and keeps both inputs in the graph.
    /// </summary>
    public static Tensor SolveLowerTriangular(Tensor lower, Tensor rhs)
    {
        if (IsMeta(lower) || IsMeta(rhs))
        {
            return ShapeOnly(lower.CheckedMatMul(rhs));
        }

        long[] batch = ShapeUtil.Broadcast(lower.Shape().AsSpan(0, lower.Shape().Length - 2), rhs.Shape().AsSpan(0, rhs.Shape().Length - 2));
        return linalg.solve_triangular(
            lower.expand([.. batch, lower.Shape()[^2], lower.Shape()[^1]]),
            rhs.expand([.. batch, rhs.Shape()[^2], rhs.Shape()[^1]]),
            upper: false);
    }

    /// <summary>
    /// The lower Cholesky factor of a batch of positive-definite matrices. The factorization runs
    /// on meta, but its backward pass needs a triangular solve that has no meta kernel, so there a
    /// value-less lower-triangular tensor connected to the input stands in.
    /// </summary>
    public static Tensor Cholesky(Tensor matrix) =>
        IsMeta(matrix) ? ShapeOnly(matrix.tril()) : linalg.cholesky_ex(matrix).L;

    /// <summary>The inverse of a batch of lower-triangular matrices (again lower-triangular).</summary>
    public static Tensor InverseLowerTriangular(Tensor lower) =>
        SolveLowerTriangular(lower, torch.eye(lower.Shape()[^1], dtype: lower.dtype, device: lower.device));

    /// <summary>log Σ exp over <paramref name="dim"/>, stabilized by the maximum (runs on meta, unlike <c>logsumexp</c>).</summary>
    public static Tensor LogSumExp(Tensor x, long dim)
    {
        // an all −∞ slice would give −∞ − (−∞) = NaN; clamping the shift to the dtype's lowest
        // finite value keeps the result −∞ there
        var shift = x.amax([dim], keepdim: true).detach().clamp_min(torch.finfo(x.dtype).min);
        return x.sub(shift).exp().sum([dim], keepdim: true).log().add(shift).squeeze(dim);
    }
}
