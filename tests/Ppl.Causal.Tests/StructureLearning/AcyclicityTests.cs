using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.StructureLearning;

/// <summary>h(W) = tr(exp(W∘W)) − d against closed forms and finite differences.</summary>
public sealed class AcyclicityTests
{
    [Fact]
    public void ZeroExactlyOnDags()
    {
        using var scope = NewDisposeScope();
        var triangular = tensor(new double[] { 0, 1.5, -0.7, 0, 0, 2, 0, 0, 0 }, [3, 3], dtype: float64);
        Assert.Equal(0.0, Acyclicity.Value(triangular));
        for (int seed = 0; seed < 5; seed++)
        {
            var random = new Random(seed);
            var w = RandomDag.Weights(RandomDag.Structure(10, 20, RandomGraphType.ErdosRenyi, random), random);
            Assert.Equal(0.0, Acyclicity.Value(w));
        }
    }

    [Fact]
    public void TwoCycleMatchesTheClosedForm()
    {
        // W∘W = [[0, a²], [b², 0]] has eigenvalues ±ab, so h = 2 cosh(ab) − 2.
        using var scope = NewDisposeScope();
        double a = 0.8, b = -1.3;
        var w = tensor(new[] { 0, a, b, 0 }, [2, 2], dtype: float64);
        Assert.Equal((2 * Math.Cosh(a * b)) - 2, Acyclicity.Value(w), 1e-13);
        Assert.True(Acyclicity.Value(w) > 0.5);
        var selfLoop = tensor(new[] { 0.5, 0, 0, 0 }, [2, 2], dtype: float64);
        Assert.Equal(Math.Exp(0.25) - 1, Acyclicity.Value(selfLoop), 1e-14);
    }

    [Fact]
    public void GradientMatchesCentralDifferences()
    {
        using var scope = NewDisposeScope();
        var w = randn(5, 5, dtype: float64, generator: new Generator(7)).mul(0.6);
        var gradient = Acyclicity.Gradient(w).data<double>().ToArray();
        var values = w.data<double>().ToArray();
        const double step = 1e-6;
        for (int k = 0; k < 25; k++)
        {
            var plus = (double[])values.Clone();
            var minus = (double[])values.Clone();
            plus[k] += step;
            minus[k] -= step;
            double fd = (Acyclicity.Value(tensor(plus, [5, 5], dtype: float64)) - Acyclicity.Value(tensor(minus, [5, 5], dtype: float64))) / (2 * step);
            Assert.True(Math.Abs(fd - gradient[k]) < 1e-6 * Math.Max(1, Math.Abs(fd)), $"entry {k}: finite difference {fd}, gradient {gradient[k]}");
        }
    }

    [Fact]
    public void NonSquareIsRejected()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => Acyclicity.Value(zeros(2, 3, dtype: float64)));
        Assert.Contains("[2, 3]", e.Message, StringComparison.Ordinal);
    }
}
