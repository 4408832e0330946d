using Ppl.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>
/// <see cref="OneDnnConvolutions"/> against brute force: a 3 × 3 convolution's input gradient (and a
/// transposed convolution, the same sum) computed with loops over doubles. libtorch 2.10's oneDNN gets
/// it wrong for output channel counts that are not a multiple of 16; with oneDNN off, or with whole
/// blocks of 16 channels, float32 results must match to float32 rounding.
/// </summary>
[Collection("Sequential")]
public sealed class OneDnnConvolutionsTests
{
    private const double Tolerance = 1e-4; // sums of at most 16 · 9 float32 products of values below 1

    [Theory]
    [InlineData(2, 3, 1, 8)]
    [InlineData(4, 16, 1, 32)]
    [InlineData(4, 16, 4, 32)]
    public void InputGradientsMatchBruteForceWithOneDnnOff(int batch, int inputs, int outputs, int side)
    {
        using var restore = new OneDnnState();
        Assert.True(OneDnnConvolutions.Disable());
        for (int seed = 1; seed <= 5; seed++)
        {
            Assert.True(InputGradientError(batch, inputs, outputs, side, seed, narrowTo: null) < Tolerance);
        }
    }

    [Theory]
    [InlineData(4, 16, 16)]
    [InlineData(4, 3, 32)]
    public void InputGradientsMatchBruteForceWithOneDnnOnWhenOutputsFillBlocks(int batch, int inputs, int outputs)
    {
        using var restore = new OneDnnState();
        Assert.True(OneDnnConvolutions.Enable());
        for (int seed = 1; seed <= 5; seed++)
        {
            Assert.True(InputGradientError(batch, inputs, outputs, 32, seed, narrowTo: null) < Tolerance);
        }
    }

    /// <summary>The way around the bug that keeps oneDNN: a block of 16 outputs narrowed to the one used.</summary>
    [Fact]
    public void SixteenOutputsNarrowedToOneGiveTheOneOutputGradientWithOneDnnOn()
    {
        using var restore = new OneDnnState();
        Assert.True(OneDnnConvolutions.Enable());
        for (int seed = 1; seed <= 5; seed++)
        {
            Assert.True(InputGradientError(4, 16, 16, 32, seed, narrowTo: 1) < Tolerance);
        }
    }

    [Fact]
    public void TransposedConvolutionWithFourInputChannelsMatchesBruteForceWithOneDnnOff()
    {
        using var restore = new OneDnnState();
        Assert.True(OneDnnConvolutions.Disable());
        for (int seed = 1; seed <= 5; seed++)
        {
            using var scope = NewDisposeScope();
            var generator = new Generator((ulong)seed);
            var input = rand([2, 4, 16, 16], generator: generator, dtype: ScalarType.Float64);
            var weight = rand([4, 3, 3, 3], generator: generator, dtype: ScalarType.Float64).sub(0.5);
            var output = nn.functional.conv_transpose2d(input.to_type(ScalarType.Float32), weight.to_type(ScalarType.Float32), padding: [1, 1]);
            Assert.True(output.to_type(ScalarType.Float64).sub(TransposedConvolution(input, weight)).abs().max().item<double>() < Tolerance);
        }
    }

    [Fact]
    public void RegisteringANetworkWithAnAffectedLayerTurnsOneDnnOffAndSaysWhy()
    {
        using var restore = new OneDnnState();
        Assert.True(OneDnnConvolutions.Enable());
        OneDnnConvolutions.AutoDisable = true;
        using var network = nn.Sequential(("hidden", nn.Conv2d(1, 16, 3, padding: 1)), ("output", nn.Conv2d(16, 1, 3, padding: 1)));
        using (PplWarnings.Capture(out var warnings))
        {
            Primitives.Module("expert", network);
            Assert.False(OneDnnConvolutions.IsEnabled);
            var warning = Assert.Single(warnings);
            Assert.Contains("Module('expert')", warning, StringComparison.Ordinal);
            Assert.Contains("'output' (1 channels)", warning, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UnaffectedNetworksAndAutoDisableOffLeaveOneDnnOn()
    {
        using var restore = new OneDnnState();
        Assert.True(OneDnnConvolutions.Enable());
        using var whole = nn.Sequential(nn.Conv2d(1, 16, 3, padding: 1), nn.Conv2d(16, 32, 3, padding: 1));
        using var affected = nn.Conv2d(16, 1, 3, padding: 1);
        using (PplWarnings.Capture(out var warnings))
        {
            OneDnnConvolutions.AutoDisable = true;
            Primitives.Module("whole", whole);
            Assert.True(OneDnnConvolutions.IsEnabled);

            OneDnnConvolutions.AutoDisable = false;
            Primitives.Module("affected", affected);
            Assert.True(OneDnnConvolutions.IsEnabled);
            Assert.Empty(warnings);
        }
    }

    [Fact]
    public void AffectedLayersAreTheConvolutionsWhoseGradientChannelsDoNotFillBlocks()
    {
        using var network = nn.Sequential(
            ("a", nn.Conv2d(1, 16, 3)),
            ("b", nn.Conv2d(16, 1, 3)),
            ("c", nn.ConvTranspose2d(3, 16, 3)),
            ("d", nn.ConvTranspose2d(32, 1, 3)),
            ("e", nn.Conv1d(4, 48, 3)),
            ("f", nn.Linear(3, 5)));
        Assert.Equal([("b", 1L), ("c", 3L)], OneDnnConvolutions.AffectedLayers(network));
        using var single = nn.Conv3d(2, 8, 3);
        Assert.Equal(8, Assert.Single(OneDnnConvolutions.AffectedLayers(single)).Channels);
    }

    /// <summary>
    /// max |float32 input gradient − brute force| of a 3 × 3 convolution (padding 1) with
    /// <paramref name="outputs"/> output channels, of which the first <paramref name="narrowTo"/> are used when set.
    /// </summary>
    private static double InputGradientError(int batch, int inputs, int outputs, int side, int seed, int? narrowTo)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        int used = narrowTo ?? outputs;
        var input = rand([batch, inputs, side, side], generator: generator).requires_grad_(true);
        var weight = rand([outputs, inputs, 3, 3], generator: generator).sub(0.5);
        var upstream = rand([batch, used, side, side], generator: generator);
        var output = nn.functional.conv2d(input, weight, padding: [1, 1]);
        (narrowTo is int n ? output.narrow(1, 0, n) : output).backward([upstream]);
        var truth = TransposedConvolution(upstream.to_type(ScalarType.Float64), weight.narrow(0, 0, used).to_type(ScalarType.Float64));
        return input.grad!.to_type(ScalarType.Float64).sub(truth).abs().max().item<double>();
    }

    /// <summary>
    /// y[n, o, p, q] = Σ over c, kh, kw of x[n, c, p − kh + 1, q − kw + 1] · w[c, o, kh, kw] (zero outside):
    /// a transposed 3 × 3 convolution with padding 1, which is also a convolution's input gradient
    /// (x the upstream gradient, w its weight), by loops over doubles.
    /// </summary>
    private static Tensor TransposedConvolution(Tensor x, Tensor w)
    {
        int batch = (int)x.shape[0], channels = (int)x.shape[1], side = (int)x.shape[2], outputs = (int)w.shape[1];
        var xs = x.contiguous().data<double>().ToArray();
        var ws = w.contiguous().data<double>().ToArray();
        var y = new double[batch * outputs * side * side];
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < outputs; o++)
            {
                for (int p = 0; p < side; p++)
                {
                    for (int q = 0; q < side; q++)
                    {
                        double sum = 0;
                        for (int c = 0; c < channels; c++)
                        {
                            for (int kh = 0; kh < 3; kh++)
                            {
                                for (int kw = 0; kw < 3; kw++)
                                {
                                    int i = p - kh + 1, j = q - kw + 1;
                                    if (i >= 0 && i < side && j >= 0 && j < side)
                                    {
                                        sum += xs[(((n * channels) + c) * side + i) * side + j] * ws[(((c * outputs) + o) * 3 + kh) * 3 + kw];
                                    }
                                }
                            }
                        }

                        y[(((n * outputs) + o) * side + p) * side + q] = sum;
                    }
                }
            }
        }

        return tensor(y).reshape(batch, outputs, side, side);
    }

    /// <summary>Puts oneDNN and <see cref="OneDnnConvolutions.AutoDisable"/> back as they were.</summary>
    private sealed class OneDnnState : IDisposable
    {
        private readonly bool _enabled = OneDnnConvolutions.IsEnabled;
        private readonly bool _autoDisable = OneDnnConvolutions.AutoDisable;

        public void Dispose()
        {
            OneDnnConvolutions.AutoDisable = _autoDisable;
            if (_enabled)
            {
                OneDnnConvolutions.Enable();
            }
            else
            {
                OneDnnConvolutions.Disable();
            }
        }
    }
}
