using Ppl.Inference.Optim;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Ppl.Tests.Inference.Optim;

/// <summary>
/// The one-pass Adam kernel against the op-by-op path (fast paths off), which TrajectoryTests
/// pins to TorchSharp's own Adam: same numbers in float64 and float32, on lengths that leave a
/// scalar tail after the vector loop, with weight decay and both eps placements; the autograd
/// version bump; and the layouts it must leave to the op path.
/// </summary>
[Collection("Sequential")]
public sealed class FusedAdamKernelTests
{
    public static readonly TheoryData<string, ScalarType, int> Cases = new()
    {
        { "Adam", ScalarType.Float64, 1031 },
        { "AdamWd", ScalarType.Float64, 37 },
        { "ClippedAdam", ScalarType.Float64, 1031 },
        { "Adam", ScalarType.Float32, 100_003 },
        { "AdamWd", ScalarType.Float32, 37 },
        { "ClippedAdam", ScalarType.Float32, 1031 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void OnePassGivesTheOpByOpNumbers(string kind, ScalarType dtype, int length)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        var start = randn(length, dtype: dtype);
        var target = randn(length, dtype: dtype);
        var fused = Train(kind, start, target, fast: true);
        var plain = Train(kind, start, target, fast: false);

        // float64: a few ulps (libtorch may contract a multiply-add into one rounding); float32 likewise in its precision
        double tolerance = dtype == ScalarType.Float64 ? 1e-13 : 1e-5;
        double worst = fused.sub(plain).abs().max().to(ScalarType.Float64).item<double>();
        Assert.True(worst <= tolerance, $"{kind} {dtype} n={length}: largest difference {worst:G3} > {tolerance:G3}");
        Assert.True(fused.sub(start).abs().max().to(ScalarType.Float64).item<double>() > 1e-3, "the parameters did not move");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AGraphThatSavedTheOldValuesRefusesBackwardAfterAStep(bool fast)
    {
        using var scope = NewDisposeScope();
        using var adam = new Adam(lr: 0.1);
        var w = new Parameter(ones(64), requires_grad: true);
        w.square().sum().backward();
        var stale = w.square().sum(); // saves w for its backward
        using (fast ? FastPaths.Enable() : FastPaths.Disable())
        {
            adam.Step([("w", w)]);
        }

        var error = Record.Exception(() => stale.backward());
        Assert.NotNull(error);
        Assert.Contains("inplace", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ANonContiguousParameterIsUpdatedByTheOpPathWithTheSameNumbers()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        var start = randn(6, 4, dtype: float64);
        var target = randn(4, 6, dtype: float64);
        var w = new Parameter(start.clone().t(), requires_grad: true); // a transposed view: not contiguous
        Assert.False(w.is_contiguous());
        var reference = new Parameter(start.t().contiguous(), requires_grad: true);
        using var a = new Adam(lr: 0.05);
        using var b = new Adam(lr: 0.05);
        for (int step = 0; step < 10; step++)
        {
            using var inner = NewDisposeScope();
            w.sub(target).square().sum().backward();
            reference.sub(target).square().sum().backward();
            a.Step([("w", w)]);
            b.Step([("w", reference)]);
            Optimizer.ZeroGrad([w, reference]);
        }

        Assert.Equal(0.0, w.sub(reference).abs().max().item<double>(), 14);
    }

    private static Tensor Train(string kind, Tensor start, Tensor target, bool fast)
    {
        using var optimizer = OptimTestUtil.Create(kind);
        var w = new Parameter(start.clone(), requires_grad: true);
        using (fast ? FastPaths.Enable() : FastPaths.Disable())
        {
            for (int step = 0; step < 20; step++)
            {
                using var inner = NewDisposeScope();
                w.sub(target).square().mul(0.5).sum().backward();
                optimizer.Step([("w", w)]);
                Optimizer.ZeroGrad([w]);
            }
        }

        return w.detach().clone();
    }
}
