using System.Runtime.InteropServices;
using Ppl.Diagnostics;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// libtorch's oneDNN (mkldnn) convolutions on the CPU, and Ppl's guard against their wrong gradients.
/// libtorch 2.10, which TorchSharp 0.107 ships, computes a float32 convolution's gradient with respect
/// to its input wrongly when the convolution has a number of output channels that is not a multiple of
/// 16 (a transposed convolution: input channels, in its forward pass too): errors of the size of
/// the values themselves, or NaN, depending on what memory the kernel finds; the forward pass and the
/// weight gradients are right (measured against brute force, docs/design/onednn-convolutions.md). A
/// one-channel output layer, as in an image-to-image network, is the common case, and every layer
/// below it then learns from a wrong gradient.
/// </summary>
/// <remarks>
/// <see cref="Primitives.Module{T}"/> checks each network it registers: if a CPU convolution layer has
/// such a channel count and <see cref="AutoDisable"/> is on, it turns oneDNN off for the process (libtorch then
/// uses its own convolutions: exact, but about 13 times slower on the competing-experts expert,
/// benchmarks/README.md) and warns once. To keep oneDNN's speed, give such layers a multiple of 16
/// channels and use the ones needed (e.g. 16 outputs, <c>narrow(1, 0, 1)</c>: the other outputs get zero
/// gradients and never change the result).
/// </remarks>
public static class OneDnnConvolutions
{
    /// <summary>The channel block oneDNN pads to; a convolution whose gradient channels fill whole blocks is computed right.</summary>
    public const int ChannelBlock = 16;

    private static readonly Lazy<Switch?> Native = new(Switch.Find);

    // networks already checked: Module runs at every step, and a network's channel counts never change
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<nn.Module, object> Checked = [];

    /// <summary>
    /// Whether <see cref="Primitives.Module{T}"/> turns oneDNN off when it meets an affected layer. On by
    /// default; the environment variable <c>PPL_ONEDNN=keep</c> turns it off for a process (for
    /// networks that are only evaluated, never differentiated with respect to their inputs).
    /// </summary>
    public static bool AutoDisable { get; set; } =
        !string.Equals(Environment.GetEnvironmentVariable("PPL_ONEDNN"), "keep", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether libtorch may use oneDNN (its <c>torch.backends.mkldnn.enabled</c>); false when the switch cannot be found.</summary>
    public static bool IsEnabled => Native.Value is { } native && native.Get();

    /// <summary>Whether this libtorch exposes the switch (found by its exported symbols).</summary>
    public static bool IsAvailable => Native.Value is not null;

    /// <summary>Turns oneDNN off for the process (PyTorch's <c>torch.backends.mkldnn.enabled = False</c>). Returns whether the switch was found.</summary>
    public static bool Disable() => Set(false);

    /// <summary>Turns oneDNN back on for the process. Returns whether the switch was found.</summary>
    public static bool Enable() => Set(true);

    /// <summary>
    /// The convolution layers of <paramref name="module"/> (itself included) whose input gradients
    /// oneDNN computes wrongly: a weight whose first dimension (output channels; a transposed
    /// convolution's input channels) is not a multiple of <see cref="ChannelBlock"/>, as name and channel count.
    /// </summary>
    public static IReadOnlyList<(string Layer, long Channels)> AffectedLayers(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var affected = new List<(string, long)>();
        foreach (var (name, child) in module.named_modules().Prepend((string.Empty, module)))
        {
            if (child is Convolution { weight: { } weight } && weight.device_type == TorchSharp.DeviceType.CPU && weight.shape[0] % ChannelBlock != 0)
            {
                affected.Add((name.Length == 0 ? child.GetName() : name, weight.shape[0]));
            }
        }

        return affected;
    }

    /// <summary>
    /// Turns oneDNN off, with a warning, when <see cref="AutoDisable"/> is on, oneDNN is on and
    /// <paramref name="module"/> has an affected layer. Each network is checked once.
    /// </summary>
    internal static void GuardIfAllowed(string site, nn.Module module)
    {
        if (!AutoDisable || Checked.TryGetValue(module, out _) || !IsEnabled)
        {
            return;
        }

        Checked.AddOrUpdate(module, site);

        var affected = AffectedLayers(module);
        if (affected.Count == 0)
        {
            return;
        }

        Disable();
        PplWarnings.Warn(
            $"Module('{site}'): {string.Join(", ", affected.Select(a => $"'{a.Layer}' ({a.Channels} channels)"))}: libtorch's oneDNN convolutions compute wrong input gradients "
            + $"for a number of output channels (of a transposed convolution: input channels) that is not a multiple of {ChannelBlock}, so Ppl turned oneDNN off for this process: "
            + $"convolutions are now exact but about ten times slower. Give such layers a multiple of {ChannelBlock} channels and narrow to the ones used to keep the speed "
            + "(docs/deep-models.md, \"Convolutions on the CPU\"), or set OneDnnConvolutions.AutoDisable = false (PPL_ONEDNN=keep) for networks never differentiated.");
    }

    private static bool Set(bool on)
    {
        if (Native.Value is not { } native)
        {
            return false;
        }

        native.Set(on);
        return true;
    }

    /// <summary>libtorch's <c>at::globalContext().setUserEnabledMkldnn</c> and its getter, found by their exported (C++) names.</summary>
    private sealed class Switch
    {
        private readonly IntPtr _context;
        private readonly SetFlag _set;
        private readonly GetFlag _get;

        private Switch(IntPtr context, SetFlag set, GetFlag get) => (_context, _set, _get) = (context, set, get);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr GlobalContext();

        [UnmanagedFunctionPointer(CallingConvention.ThisCall)]
        private delegate void SetFlag(IntPtr context, byte enabled);

        [UnmanagedFunctionPointer(CallingConvention.ThisCall)]
        private delegate byte GetFlag(IntPtr context);

        public void Set(bool on) => _set(_context, on ? (byte)1 : (byte)0);

        public bool Get() => _get(_context) != 0;

        public static Switch? Find()
        {
            // TorchSharp loads libtorch on first use; the switch lives in torch_cpu
            _ = get_num_threads();
            var (library, context, setter, getter) = OperatingSystem.IsWindows()
                ? ("torch_cpu.dll", "?globalContext@at@@YAAEAVContext@1@XZ", "?setUserEnabledMkldnn@Context@at@@QEAAX_N@Z", "?userEnabledMkldnn@Context@at@@QEBA_NXZ")
                : (OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so", "_ZN2at13globalContextEv", "_ZN2at7Context20setUserEnabledMkldnnEb", "_ZNK2at7Context17userEnabledMkldnnEv");
            if (!NativeLibrary.TryLoad(library, out var handle) && !NativeLibrary.TryLoad(library, typeof(TorchSharp.torch).Assembly, null, out handle))
            {
                return null;
            }

            if (!NativeLibrary.TryGetExport(handle, context, out var contextAddress)
                || !NativeLibrary.TryGetExport(handle, setter, out var setAddress)
                || !NativeLibrary.TryGetExport(handle, getter, out var getAddress))
            {
                return null;
            }

            var instance = Marshal.GetDelegateForFunctionPointer<GlobalContext>(contextAddress)();
            return new Switch(instance, Marshal.GetDelegateForFunctionPointer<SetFlag>(setAddress), Marshal.GetDelegateForFunctionPointer<GetFlag>(getAddress));
        }
    }
}
