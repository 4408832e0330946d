using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// Whether every entry of a contiguous float32/float64 CPU tensor is finite, read in place with
/// <see cref="Vector{T}"/> (a fast path: docs/design/fast-paths.md): the per-step gradient check
/// then allocates no tensors and makes no native reductions, where summing each group of
/// gradients costs a few ops per group (a tenth of a small model's step).
/// </summary>
internal static class CpuFiniteScan
{
    /// <summary>Whether <paramref name="t"/> can be scanned in place.</summary>
    public static bool Applies(Tensor t) => FastPaths.Enabled && CpuFloatTensor.Qualifies(t);

    /// <summary>Whether every entry is finite; call only when <see cref="Applies"/>.</summary>
    public static bool AllFinite(Tensor t) =>
        t.dtype == ScalarType.Float32 ? AllFinite<float>(CpuFloatTensor.Elements<float>(t)) : AllFinite<double>(CpuFloatTensor.Elements<double>(t));

    private static bool AllFinite<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // x − x is 0 for a finite x and NaN for NaN and ±∞; NaN survives the sum
        int i = 0;
        var acc = Vector<T>.Zero;
        if (Vector.IsHardwareAccelerated && Vector<T>.Count > 1)
        {
            var vectors = MemoryMarshal.Cast<T, Vector<T>>(values);
            foreach (var v in vectors)
            {
                acc += v - v;
            }

            i = vectors.Length * Vector<T>.Count;
        }

        var total = Vector.Sum(acc);
        for (; i < values.Length; i++)
        {
            total += values[i] - values[i];
        }

        return total == T.Zero;
    }
}
