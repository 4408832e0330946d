using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>
/// Maps a vector of n(n+1)/2 reals onto the n×n lower-triangular matrices with positive diagonal:
/// the entries fill the lower triangle row by row and the diagonal ones pass through exp.
/// Working on the packed vector (rather than a full matrix whose upper half is ignored) makes it
/// a true bijection with a well-defined Jacobian, Σ of the pre-exp diagonal entries.
/// </summary>
public sealed class LowerCholeskyTransform : Transform
{
    /// <summary>The shared instance (the transform has no state).</summary>
    public static readonly LowerCholeskyTransform Instance = new();

    private LowerCholeskyTransform()
    {
    }

    /// <inheritdoc />
    public override int DomainEventDim => 1;

    /// <inheritdoc />
    public override int CodomainEventDim => 2;

    /// <inheritdoc />
    public override Constraint Codomain => Constraints.LowerCholesky;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        long n = MatrixSize(x.dim() == 0 ? -1 : x.size(-1));
        var raw = x.CheckedMatMul(Packing(n, x)).unflatten(x.dim() - 1, [n, n]);
        return raw.tril(-1).add(raw.diagonal(0, -2, -1).exp().diag_embed());
    }

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (y.dim() < 2 || y.size(-1) != y.size(-2))
        {
            // the packing product below takes no other shape
            throw new ArgumentException($"LowerCholeskyTransform: expected square matrices [..., n, n], got shape {ShapeUtil.Format(y.Shape())}.", nameof(y));
        }

        long n = y.Shape()[^1];
        var raw = y.tril(-1).add(y.diagonal(0, -2, -1).log().diag_embed());
        return raw.flatten(-2).CheckedMatMul(Packing(n, y).mT);
    }

    /// <inheritdoc />
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => y.diagonal(0, -2, -1).log().sum(-1);

    /// <inheritdoc />
    public override long[] ForwardShape(long[] shape)
    {
        long n = MatrixSize(shape.Length == 0 ? -1 : shape[^1]);
        return [.. shape[..^1], n, n];
    }

    /// <inheritdoc />
    public override long[] InverseShape(long[] shape)
    {
        if (shape.Length < 2 || shape[^1] != shape[^2])
        {
            throw new ArgumentException($"LowerCholeskyTransform: expected square matrices, got shape {ShapeUtil.Format(shape)}.", nameof(shape));
        }

        return [.. shape[..^2], shape[^1] * (shape[^1] + 1) / 2];
    }

    /// <summary>The n with n(n+1)/2 = <paramref name="packed"/>.</summary>
    private static long MatrixSize(long packed)
    {
        long n = (long)Math.Round((Math.Sqrt((8.0 * packed) + 1) - 1) / 2);
        if (packed < 1 || n * (n + 1) / 2 != packed)
        {
            throw new ArgumentException($"LowerCholeskyTransform: the last dimension ({(packed < 0 ? "none: a 0-dim tensor" : packed)}) must be a triangular number n(n+1)/2.", nameof(packed));
        }

        return n;
    }

    /// <summary>The 0/1 matrix (n(n+1)/2 × n²) that scatters the packed lower triangle into a flattened n×n matrix; a matmul runs on every device.</summary>
    private static Tensor Packing(long n, Tensor like)
    {
        long m = n * (n + 1) / 2;
        var data = new float[m * n * n];
        long k = 0;
        for (long i = 0; i < n; i++)
        {
            for (long j = 0; j <= i; j++, k++)
            {
                data[(k * n * n) + (i * n) + j] = 1;
            }
        }

        return tensor(data, [m, n * n], dtype: like.dtype, device: like.device);
    }
}
