using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// Reading and writing a tensor's elements in place from .NET, for the CPU fast paths
/// (<see cref="CpuFiniteScan"/>, the one-pass Adam): only a contiguous float32 or float64 CPU tensor
/// of under 2 GB is one span of numbers.
/// </summary>
internal static class CpuFloatTensor
{
    /// <summary>Whether <paramref name="t"/> is a contiguous float32/float64 CPU tensor that fits one span.</summary>
    public static bool Qualifies(Tensor t) =>
        (t.dtype == ScalarType.Float32 || t.dtype == ScalarType.Float64)
        && t.device_type == DeviceType.CPU && t.is_contiguous() && t.numel() * t.ElementSize <= int.MaxValue;

    /// <summary>The elements of <paramref name="t"/> (which <see cref="Qualifies"/>) as <typeparamref name="T"/>, the tensor's own storage.</summary>
    public static Span<T> Elements<T>(Tensor t)
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(t.bytes);
}
