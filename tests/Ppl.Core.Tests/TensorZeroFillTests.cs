using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>
/// <see cref="TensorZeroFill"/> against the libtorch bug it works around. The bug itself is shown
/// deterministically with libtorch's debugging switch <c>caffe2_cpu_allocator_do_junk_fill</c>, which
/// fills every new CPU tensor with NaN junk (libtorch refuses it together with zero-filling). The fix is
/// shown the way runs meet the bug: freed memory that held NaN is handed out again, and a convolution's
/// backward pass must still give the exact gradient (a float64 transposed convolution, which does not
/// go through oneDNN, is the reference).
/// </summary>
[Collection("Sequential")]
public sealed class TensorZeroFillTests
{
    private const string JunkFillSymbol = "FLAGS_caffe2_cpu_allocator_do_junk_fill";

    [Fact]
    public void ConvolutionGradientsAreExactAfterFreedMemoryHeldNaN()
    {
        TensorMemory.Tune(); // freed blocks of this size stay in the heap for reuse, as in training
        Assert.True(TensorZeroFill.Enable());
        for (int attempt = 0; attempt < 20; attempt++)
        {
            LeaveNaNInFreedMemory();
            using var scope = NewDisposeScope();
            var (gradient, reference) = InputGradientOfOneChannelConvolution(attempt);
            Assert.True(gradient.isfinite().all().item<bool>(), $"attempt {attempt}: the input gradient has {gradient.isfinite().logical_not().sum().item<long>()} non-finite entries");
            double error = gradient.to_type(ScalarType.Float64).sub(reference).abs().max().item<double>();
            Assert.True(error < 1e-4, $"attempt {attempt}: max |gradient - float64 reference| = {error:G3}");
        }
    }

    /// <summary>
    /// The bug itself, so this test fails the day a TorchSharp update brings a libtorch without it and the
    /// workaround can go: with zero-filling off, NaN junk in new memory reaches the gradient.
    /// </summary>
    [Fact]
    public void WithoutZeroFillNaNJunkReachesTheGradientInThisLibtorch()
    {
        bool autoEnable = TensorZeroFill.AutoEnable;
        try
        {
            TensorZeroFill.AutoEnable = false;
            Assert.True(TensorZeroFill.Disable());
            using var junk = new JunkFill();
            using var scope = NewDisposeScope();
            var (gradient, _) = InputGradientOfOneChannelConvolution(0);
            Assert.False(gradient.isfinite().all().item<bool>(), "libtorch's convolution backward no longer reads uninitialized memory: TensorZeroFill may be retired (docs/design/zero-filled-tensors.md)");
        }
        finally
        {
            TensorZeroFill.AutoEnable = autoEnable;
            TensorZeroFill.Enable();
        }
    }

    [Fact]
    public void ModuleSitesTurnItBackOnUnlessAutoEnableIsOff()
    {
        bool autoEnable = TensorZeroFill.AutoEnable;
        using var network = nn.Linear(2, 1);
        try
        {
            TensorZeroFill.AutoEnable = true;
            Assert.True(TensorZeroFill.Disable());
            Assert.False(TensorZeroFill.IsEnabled);
            Primitives.Module("net", network);
            Assert.True(TensorZeroFill.IsEnabled);

            TensorZeroFill.AutoEnable = false;
            Assert.True(TensorZeroFill.Disable());
            Primitives.Module("net", network);
            Assert.False(TensorZeroFill.IsEnabled);
        }
        finally
        {
            TensorZeroFill.AutoEnable = autoEnable;
            TensorZeroFill.Enable();
        }
    }

    [Fact]
    public void NewTensorsAreZeroWhenEnabled()
    {
        TensorMemory.Tune();
        Assert.True(TensorZeroFill.Enable());
        for (int attempt = 0; attempt < 5; attempt++)
        {
            LeaveNaNInFreedMemory();
            using var scope = NewDisposeScope();
            foreach (long size in BlockSizes)
            {
                Assert.Equal(0, empty(size).count_nonzero().item<long>());
            }
        }
    }

    /// <summary>The sizes, in floats, of the convolution's tensors: its input and gradient, and the blocked copies oneDNN pads to 16 channels.</summary>
    private static readonly long[] BlockSizes = [4 * 16 * 32 * 32, 4 * 1 * 32 * 32, 16 * 9, 16 * 16 * 9];

    /// <summary>Allocates and frees tensors of NaN of the sizes the convolution allocates, so its new tensors likely get that memory.</summary>
    private static void LeaveNaNInFreedMemory()
    {
        using var scope = NewDisposeScope();
        foreach (long size in BlockSizes)
        {
            for (int copy = 0; copy < 4; copy++)
            {
                _ = full(size, float.NaN);
            }
        }
    }

    /// <summary>
    /// The input gradient of a 16 → 1 channel 3 × 3 convolution over a batch of 4 (one of the shapes that
    /// failed every time under junk fill: 1 output channel is padded to a block of 16), and the float64 reference.
    /// </summary>
    private static (Tensor Gradient, Tensor Reference) InputGradientOfOneChannelConvolution(int seed)
    {
        var generator = new Generator((ulong)(seed + 1));
        var input = rand([4, 16, 32, 32], generator: generator).requires_grad_(true);
        var weight = rand([1, 16, 3, 3], generator: generator).sub(0.5);
        var upstream = rand([4, 1, 32, 32], generator: generator);
        nn.functional.conv2d(input, weight, padding: [1, 1]).backward([upstream]);
        var reference = nn.functional.conv_transpose2d(upstream.to_type(ScalarType.Float64), weight.to_type(ScalarType.Float64), padding: [1, 1]);
        return (input.grad!, reference);
    }

    /// <summary>libtorch's debugging switch that fills every new CPU tensor with NaN junk, on until disposed.</summary>
    private sealed class JunkFill : IDisposable
    {
        private readonly IntPtr _flag;

        public JunkFill()
        {
            _ = get_num_threads();
            Assert.True(NativeLibrary.TryLoad(OperatingSystem.IsWindows() ? "c10.dll" : OperatingSystem.IsMacOS() ? "libc10.dylib" : "libc10.so", out var c10), "c10 is not loaded");
            Assert.True(NativeLibrary.TryGetExport(c10, JunkFillSymbol, out _flag), $"{JunkFillSymbol} is not exported");
            Marshal.WriteByte(_flag, 1);
        }

        public void Dispose() => Marshal.WriteByte(_flag, 0);
    }
}
