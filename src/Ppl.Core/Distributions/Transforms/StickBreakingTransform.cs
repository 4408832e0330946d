using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>
/// Maps ℝ^(K−1) onto the K-simplex by stick breaking: z_i = σ(x_i − log(K − 1 − i)) is the
/// fraction of the remaining stick given to entry i, and the last entry takes what is left.
/// The offset makes x = 0 map to the uniform vector (1/K, …, 1/K), a good unconstrained origin.
/// </summary>
public sealed class StickBreakingTransform : Transform
{
    /// <summary>The shared instance (the transform has no state).</summary>
    public static readonly StickBreakingTransform Instance = new();

    private StickBreakingTransform()
    {
    }

    /// <inheritdoc />
    public override int DomainEventDim => 1;

    /// <inheritdoc />
    public override Constraint Codomain => Constraints.Simplex;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x)
    {
        var z = x.sub(LogOffsets(x)).sigmoid();
        var remaining = z.neg().add(1).cumprod(-1);
        var one = ones([.. x.Shape()[..^1], 1], dtype: x.dtype, device: x.device);
        return cat([z, one], -1).mul(cat([one, remaining], -1));
    }

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y)
    {
        var head = y.narrow(-1, 0, y.Shape()[^1] - 1);
        double tiny = y.dtype == ScalarType.Float64 ? 1e-300 : 1e-38;
        var rest = head.cumsum(-1).neg().add(1).clamp_min(tiny);
        return head.clamp_min(tiny).log().sub(rest.log()).add(LogOffsets(head));
    }

    /// <summary>
    /// The Jacobian of the first K − 1 outputs is triangular with diagonal y_i (1 − z_i), so
    /// log |det| = Σ log y_i + log(1 − z_i), and log(1 − z_i) = −softplus(x_i − offset_i).
    /// </summary>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y)
    {
        var shifted = x.sub(LogOffsets(x));
        var head = y.narrow(-1, 0, y.Shape()[^1] - 1);
        return head.log().sub(nn.functional.softplus(shifted)).sum(-1);
    }

    /// <inheritdoc />
    public override long[] ForwardShape(long[] shape) => RequireVector(shape) is var s ? [.. s[..^1], s[^1] + 1] : s;

    /// <inheritdoc />
    public override long[] InverseShape(long[] shape) => RequireVector(shape) is var s ? [.. s[..^1], s[^1] - 1] : s;

    /// <summary>log(K − 1 − i) for i = 0 … K − 2, where K − 1 is the size of the last dim of <paramref name="x"/>.</summary>
    private static Tensor LogOffsets(Tensor x)
    {
        long n = x.Shape()[^1];
        return arange(n, 0, -1, dtype: x.dtype, device: x.device).log();
    }

    private static long[] RequireVector(long[] shape) =>
        shape.Length == 0
            ? throw new ArgumentException("StickBreakingTransform: needs at least one dimension, got a scalar shape [].", nameof(shape))
            : shape;
}
