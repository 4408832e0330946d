using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// Whether libtorch fills the memory of every new CPU tensor with zeros (its allocator's
/// <c>caffe2_cpu_allocator_do_zero_fill</c> flag). Ppl turns it on: libtorch 2.10's oneDNN
/// convolutions read memory they never wrote. When a convolution's channel count is not a multiple
/// of the block oneDNN works in (16 on AVX-512 and AVX2), the backward pass pads the channels and multiplies
/// the padding — uninitialized memory — by zero. Memory that last held a NaN or an infinity turns
/// into NaN gradients (0 × NaN), at random, whenever freed memory with such values is handed out again:
/// a network that trained in one run fails in the next (docs/design/zero-filled-tensors.md). Zeroed
/// memory makes every such read a zero, so the results are the exact ones.
/// </summary>
/// <remarks>
/// Training entry points (<c>Svi</c>, the optimizers, <c>Mcmc</c>) and <see cref="Primitives.Module{T}"/>
/// call <see cref="Enable"/> once per process unless <see cref="AutoEnable"/> is off. The flag is
/// process-wide, as libtorch's allocator is. Its cost is one memset per CPU allocation
/// (benchmarks/README.md, "zero-filled tensors").
/// </remarks>
public static class TensorZeroFill
{
    private const string FlagSymbol = "FLAGS_caffe2_cpu_allocator_do_zero_fill";
    private static readonly Lazy<IntPtr> FlagAddress = new(FindFlag);

    /// <summary>
    /// Whether Ppl's entry points call <see cref="Enable"/>. On by default; the environment variable
    /// <c>PPL_ZERO_FILL=off</c> turns it off for a process, or set this to false (then call
    /// <see cref="Disable"/> if an entry point already ran).
    /// </summary>
    public static bool AutoEnable { get; set; } =
        !string.Equals(Environment.GetEnvironmentVariable("PPL_ZERO_FILL"), "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether libtorch zero-fills new CPU tensors now (false when its flag cannot be found).</summary>
    public static bool IsEnabled
    {
        get
        {
            var flag = FlagAddress.Value;
            return flag != IntPtr.Zero && Marshal.ReadByte(flag) != 0;
        }
    }

    /// <summary>
    /// Turns zero-filling on for the process. Idempotent. Returns whether it took effect: false only when
    /// the loaded libtorch does not export the flag (then nothing changes).
    /// </summary>
    public static bool Enable() => Set(true);

    /// <summary>
    /// Turns zero-filling off for the process (new CPU tensors then start with whatever their memory held
    /// before, as in plain libtorch), e.g. to measure what it costs; the next entry point turns it back on
    /// unless <see cref="AutoEnable"/> is false. Returns whether the flag was found.
    /// </summary>
    public static bool Disable() => Set(false);

    /// <summary>Calls <see cref="Enable"/> when <see cref="AutoEnable"/> is on.</summary>
    internal static void EnableIfAllowed()
    {
        if (AutoEnable && !IsEnabled)
        {
            Enable();
        }
    }

    private static bool Set(bool on)
    {
        var flag = FlagAddress.Value;
        if (flag == IntPtr.Zero)
        {
            return false;
        }

        Marshal.WriteByte(flag, on ? (byte)1 : (byte)0);
        return true;
    }

    private static IntPtr FindFlag()
    {
        // TorchSharp loads libtorch, and with it c10, on first use; the flag lives in c10
        _ = get_num_threads();
        string library = OperatingSystem.IsWindows() ? "c10.dll" : OperatingSystem.IsMacOS() ? "libc10.dylib" : "libc10.so";
        bool loaded = NativeLibrary.TryLoad(library, out var handle)
            || NativeLibrary.TryLoad(library, typeof(TorchSharp.torch).Assembly, null, out handle);
        return loaded && NativeLibrary.TryGetExport(handle, FlagSymbol, out var address) ? address : IntPtr.Zero;
    }
}
