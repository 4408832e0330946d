using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// Matrix and vector products that check their operands first. TorchSharp 0.107's
/// <c>matmul</c> does not catch libtorch's errors: operands whose shapes do not fit, whose dtypes
/// differ or that are bool terminate the process instead of throwing. These products throw
/// <see cref="ArgumentException"/> naming both shapes and the fix, then compute the product
/// (the checks read shapes only: no device sync, and they run on the meta device).
/// </summary>
/// <remarks>
/// Models written for one draw often multiply a data matrix X <c>[N, D]</c> by a weight vector
/// w <c>[D]</c>. Under vectorized particles or predictive draws w gains batch dims (e.g.
/// <c>[S, 1, D]</c>: a sample dim, then the size-1 dim of the plate over rows), which
/// <c>X.matmul(w)</c> reads as a batch of 1 × D matrices. Two products broadcast batch dims
/// instead:
/// <list type="bullet">
/// <item><see cref="BatchedDot"/>: <c>x.BatchedDot(w)</c> = <c>(x * w).sum(-1)</c>, the dot product
/// over the last dim. Inside a plate over X's rows, w's batch dims line up with the plates, so
/// X <c>[N, D]</c> and w <c>[S, 1, D]</c> give <c>[S, N]</c>.</item>
/// <item><see cref="BatchedMatVec"/>: <c>X.BatchedMatVec(w)</c> = <c>(X * w.unsqueeze(-2)).sum(-1)</c>,
/// the matrix times each vector of a batch: X <c>[N, D]</c> and w <c>[..., D]</c> give
/// <c>[..., N]</c>.</item>
/// </list>
/// </remarks>
public static class TensorOps
{
    /// <summary>
    /// <c>a.matmul(b)</c> with matmul's rules (1-D operands are vectors; for 3 or more dims the
    /// dims left of the last two are batch dims and broadcast), checked first.
    /// </summary>
    /// <exception cref="ArgumentException">An operand is 0-dim, the contracted dims differ, the batch dims do not broadcast, or the operands differ in dtype or device or are not floating point or complex.</exception>
    public static Tensor CheckedMatMul(this Tensor a, Tensor b)
    {
        CheckOperands(nameof(CheckedMatMul), a, b);
        _ = MatMulShape(a.Shape(), b.Shape());
        return a.matmul(b);
    }

    /// <summary>
    /// The dot product over the last dim with the other dims broadcast: <paramref name="a"/>
    /// <c>[..., D]</c> and <paramref name="b"/> <c>[..., D]</c> give <c>[...]</c>, the sum of
    /// <c>a * b</c> over D. D must be the same on both sides (it is never broadcast).
    /// </summary>
    /// <exception cref="ArgumentException">An operand is 0-dim, the last dims differ, the other dims do not broadcast, or the operands differ in dtype or device or are not floating point or complex.</exception>
    public static Tensor BatchedDot(this Tensor a, Tensor b)
    {
        CheckOperands(nameof(BatchedDot), a, b);
        long[] sa = a.Shape(), sb = b.Shape();
        if (sa.Length == 0 || sb.Length == 0 || sa[^1] != sb[^1])
        {
            throw new ArgumentException(
                $"{nameof(BatchedDot)}: a (shape {ShapeUtil.Format(sa)}) and b (shape {ShapeUtil.Format(sb)}) need the same last dim D, the one the dot product sums over. "
                + "Check which operand holds the D features; to multiply a matrix [N, D] by vectors [..., D] use BatchedMatVec.",
                nameof(b));
        }

        _ = BroadcastBatch(nameof(BatchedDot), sa, sb, sa.AsSpan(0, sa.Length - 1), sb.AsSpan(0, sb.Length - 1));
        return a.mul(b).sum(-1);
    }

    /// <summary>
    /// The matrix times each vector of a batch: <paramref name="matrix"/> <c>[..., N, D]</c> and
    /// <paramref name="vector"/> <c>[..., D]</c> give <c>[..., N]</c>, the batch dims (all but the
    /// matrix's last two and the vector's last) broadcast.
    /// </summary>
    /// <exception cref="ArgumentException">The matrix has fewer than 2 dims or the vector none, D differs, the batch dims do not broadcast, or the operands differ in dtype or device or are not floating point or complex.</exception>
    public static Tensor BatchedMatVec(this Tensor matrix, Tensor vector)
    {
        CheckOperands(nameof(BatchedMatVec), matrix, vector);
        long[] sm = matrix.Shape(), sv = vector.Shape();
        if (sm.Length < 2 || sv.Length == 0 || sm[^1] != sv[^1])
        {
            throw new ArgumentException(
                $"{nameof(BatchedMatVec)}: the matrix (shape {ShapeUtil.Format(sm)}) must be [..., N, D] and the vector (shape {ShapeUtil.Format(sv)}) [..., D] with the same D.",
                nameof(vector));
        }

        _ = BroadcastBatch(nameof(BatchedMatVec), sm, sv, sm.AsSpan(0, sm.Length - 2), sv.AsSpan(0, sv.Length - 1));
        return matrix.matmul(vector.unsqueeze(-1)).squeeze(-1);
    }

    /// <summary>
    /// The shape of <c>a.matmul(b)</c> for operands of shapes <paramref name="a"/> and
    /// <paramref name="b"/>: the broadcast batch dims, then a's rows unless a is 1-D, then b's
    /// columns unless b is 1-D.
    /// </summary>
    /// <exception cref="ArgumentException">An operand is 0-dim, the contracted dims differ, or the batch dims do not broadcast.</exception>
    public static long[] MatMulShape(ReadOnlySpan<long> a, ReadOnlySpan<long> b)
    {
        const string Op = "matmul";
        if (a.Length == 0 || b.Length == 0)
        {
            throw new ArgumentException($"{Op}: both operands need at least one dim, got a {ShapeUtil.Format(a)} and b {ShapeUtil.Format(b)}. For a scalar factor use mul.");
        }

        // a's last dim meets b's second-to-last (b's only dim when b is a vector)
        long inner = a[^1];
        long innerB = b.Length == 1 ? b[0] : b[^2];
        if (inner != innerB)
        {
            throw new ArgumentException(
                $"{Op}: a {ShapeUtil.Format(a)} and b {ShapeUtil.Format(b)} do not fit: a's last dim ({inner}) must equal b's {(b.Length == 1 ? "only" : "second-to-last")} dim ({innerB}). "
                + "If b is a batch of vectors w [..., D] (e.g. with a particle or sample dim), use a.BatchedMatVec(w) for [..., N], "
                + "or x.BatchedDot(w) inside a plate over x's rows; see TensorOps.");
        }

        var batch = BroadcastBatch(Op, a, b, a.Length > 2 ? a[..^2] : [], b.Length > 2 ? b[..^2] : []);
        var result = new List<long>(batch);
        if (a.Length >= 2)
        {
            result.Add(a[^2]);
        }

        if (b.Length >= 2)
        {
            result.Add(b[^1]);
        }

        return [.. result];
    }

    /// <summary>Broadcasts two batch shapes (size-1 dims stretch; the shorter is padded on the left), naming the operands' full shapes on failure.</summary>
    private static long[] BroadcastBatch(string op, ReadOnlySpan<long> a, ReadOnlySpan<long> b, ReadOnlySpan<long> batchA, ReadOnlySpan<long> batchB)
    {
        if (ShapeUtil.TryBroadcast(batchA, batchB, out var result, out int dim))
        {
            return result;
        }

        long x = -dim <= batchA.Length ? batchA[batchA.Length + dim] : 1;
        long y = -dim <= batchB.Length ? batchB[batchB.Length + dim] : 1;
        throw new ArgumentException(
            $"{op}: the batch dims of a {ShapeUtil.Format(a)} and b {ShapeUtil.Format(b)} do not broadcast ({ShapeUtil.Format(batchA)} vs {ShapeUtil.Format(batchB)}: "
            + $"{x} vs {y} at batch dim {dim}). Line the batch dims up (unsqueeze a size-1 dim where one operand has none), or sum over the dim that is meant to be contracted.");
    }

    /// <summary>Both operands present, of one floating-point or complex dtype, on one device.</summary>
    private static void CheckOperands(string op, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.dtype != b.dtype)
        {
            throw new ArgumentException(
                $"{op}: a (shape {ShapeUtil.Format(a.Shape())}) is {a.dtype} but b (shape {ShapeUtil.Format(b.Shape())}) is {b.dtype}; convert one with .to(...) so both have the same dtype.",
                nameof(b));
        }

        if (!a.is_floating_point() && !a.is_complex())
        {
            throw new ArgumentException(
                $"{op}: the operands (shapes {ShapeUtil.Format(a.Shape())} and {ShapeUtil.Format(b.Shape())}) are {a.dtype}; products need a floating-point or complex dtype, e.g. .to(ScalarType.Float32).",
                nameof(a));
        }

        if (a.device_type != b.device_type || a.device_index != b.device_index)
        {
            throw new ArgumentException(
                $"{op}: a (shape {ShapeUtil.Format(a.Shape())}) is on {a.device} but b (shape {ShapeUtil.Format(b.Shape())}) on {b.device}; move one with .to(device).",
                nameof(b));
        }
    }
}
