using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.StructureLearning;

/// <summary>Nonlinear SEM data against the model's definition: shapes, pure-noise roots and the graph's independences.</summary>
public sealed class NonlinearSemTests
{
    /// <summary>0 → 2 ← 1, 2 → 3, and 4 isolated.</summary>
    private static Tensor Structure()
    {
        var b = zeros(5, 5, dtype: float64);
        b[0, 2] = tensor(1.0, dtype: float64);
        b[1, 2] = tensor(1.0, dtype: float64);
        b[2, 3] = tensor(1.0, dtype: float64);
        return b;
    }

    [Theory]
    [InlineData(NonlinearMechanism.Mlp)]
    [InlineData(NonlinearMechanism.MultipleIndex)]
    [InlineData(NonlinearMechanism.GaussianProcess)]
    [InlineData(NonlinearMechanism.AdditiveGaussianProcess)]
    public void EveryMechanismGivesFiniteFloat64RowsOfTheRightShapeAndIsSeeded(NonlinearMechanism mechanism)
    {
        using var scope = NewDisposeScope();
        var x = NonlinearSem.Sample(Structure(), 60, mechanism, new Random(1));
        Assert.Equal(new long[] { 60, 5 }, x.shape);
        Assert.Equal(ScalarType.Float64, x.dtype);
        Assert.True(x.isfinite().all().item<bool>());
        Assert.True(x.eq(NonlinearSem.Sample(Structure(), 60, mechanism, new Random(1))).all().item<bool>());

        // A child is not its noise alone: its variance exceeds 1 by its mechanism's share.
        Assert.True(x[.., 2].var().item<double>() > 1.2, $"{mechanism}: var(x₂) = {x[.., 2].var().item<double>()}");
    }

    [Fact]
    public void ParentlessNodesArePureStandardNormalNoise()
    {
        // n = 20000: the standard errors are 0.007 for the mean and 0.01 for the variance, so ±0.05 is 5 of them.
        using var scope = NewDisposeScope();
        var x = NonlinearSem.Sample(Structure(), 20000, NonlinearMechanism.Mlp, new Random(3));
        foreach (int root in new[] { 0, 1, 4 })
        {
            var column = x[.., root];
            Assert.True(Math.Abs(column.mean().item<double>()) < 0.05, $"node {root}: mean {column.mean().item<double>()}");
            Assert.True(Math.Abs(column.var().item<double>() - 1) < 0.05, $"node {root}: variance {column.var().item<double>()}");
        }

        // Roots are independent draws: their sample correlation is within 5 standard errors (0.007) of 0.
        var corr = corrcoef(stack([x[.., 0], x[.., 1]], 0))[0, 1].item<double>();
        Assert.True(Math.Abs(corr) < 0.035, $"corr(x₀, x₁) = {corr}");
    }

    [Fact]
    public void ACycleOrABadSampleCountIsRejected()
    {
        using var scope = NewDisposeScope();
        var cycle = Structure();
        cycle[3, 0] = tensor(1.0, dtype: float64);
        var error = Assert.Throws<ArgumentException>(() => NonlinearSem.Sample(cycle, 10, NonlinearMechanism.Mlp, new Random(0)));
        Assert.Contains("NonlinearSem.Sample", error.Message, StringComparison.Ordinal);
        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => NonlinearSem.Sample(Structure(), 0, NonlinearMechanism.Mlp, new Random(0)));
        var notSquare = Assert.Throws<ArgumentException>(() => NonlinearSem.Sample(zeros(2, 3, dtype: float64), 10, NonlinearMechanism.Mlp, new Random(0)));
        Assert.Contains("[2, 3]", notSquare.Message, StringComparison.Ordinal);
    }
}
