using Ppl.Causal.Invariance;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Invariance;

/// <summary>IRMv1's penalty by autograd with create_graph against its closed form for the logistic risk and against finite differences.</summary>
public sealed class InvariancePenaltyTests
{
    [Fact]
    public void AutogradPenaltyEqualsTheLogisticClosedForm()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(1);
        var logits = randn(200, dtype: float64, generator: g).mul(2);
        var labels = rand(200, dtype: float64, generator: g).lt(0.3).to(float64);
        double general = InvariancePenalty.Irmv1(logits, f => InvariancePenalty.LogisticRisk(f, labels)).item<double>();
        double closed = InvariancePenalty.LogisticIrmv1(logits, labels).item<double>();
        Assert.True(closed > 1e-4, $"the example must have a penalty to compare: {closed}");
        Assert.Equal(closed, general, 12);
    }

    [Fact]
    public void PenaltyIsTheSquaredDerivativeOfTheRiskInTheScale()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(2);
        var logits = randn(100, dtype: float64, generator: g);
        var labels = rand(100, dtype: float64, generator: g).lt(0.6).to(float64);
        const double H = 1e-5;
        double Risk(double w) => InvariancePenalty.LogisticRisk(logits.mul(w), labels).item<double>();
        double derivative = (Risk(1 + H) - Risk(1 - H)) / (2 * H);
        double penalty = InvariancePenalty.Irmv1(logits, f => InvariancePenalty.LogisticRisk(f, labels)).item<double>();
        Assert.True(Math.Abs(penalty - (derivative * derivative)) < 1e-9, $"penalty {penalty}, finite differences {derivative * derivative}");
    }

    [Fact]
    public void ThePenaltysGradientInTheParametersMatchesFiniteDifferences()
    {
        // the penalty is itself a gradient: training needs its gradient, which only exists if autograd kept the graph
        using var scope = NewDisposeScope();
        var g = new Generator(3);
        var x = randn(80, 3, dtype: float64, generator: g);
        var labels = rand(80, dtype: float64, generator: g).lt(0.5).to(float64);
        var theta = tensor(new[] { 0.7, -1.2, 0.4 }, dtype: float64).requires_grad_(true);
        var penalty = InvariancePenalty.Irmv1(x.matmul(theta), f => InvariancePenalty.LogisticRisk(f, labels));
        penalty.backward();
        var gradient = theta.grad!.data<double>().ToArray();
        const double H = 1e-6;
        for (int k = 0; k < 3; k++)
        {
            double At(double shift)
            {
                using var noGrad = no_grad();
                var moved = theta.detach().clone();
                moved[k] = moved[k].add(shift);
                return InvariancePenalty.LogisticIrmv1(x.matmul(moved), labels).item<double>();
            }

            double numeric = (At(H) - At(-H)) / (2 * H);
            Assert.True(Math.Abs(gradient[k] - numeric) < 1e-7 + (1e-5 * Math.Abs(numeric)), $"∂P/∂θ_{k}: autograd {gradient[k]}, finite differences {numeric}");
        }
    }

    [Fact]
    public void ThePenaltyIsAGradientEvenWhereGradientsAreOff()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new[] { 1.5, -0.5, 2.0 }, dtype: float64);
        var labels = tensor(new[] { 1.0, 1.0, 0.0 }, dtype: float64);
        using var noGrad = no_grad();
        double penalty = InvariancePenalty.Irmv1(logits, f => InvariancePenalty.LogisticRisk(f, labels)).item<double>();
        Assert.Equal(InvariancePenalty.LogisticIrmv1(logits, labels).item<double>(), penalty, 12);
    }

    [Fact]
    public void ARiskThatIsNotAScalarOrDetachedAndMismatchedShapesAreRefused()
    {
        using var scope = NewDisposeScope();
        var logits = zeros(4, dtype: float64);
        var e = Assert.Throws<ArgumentException>(() => InvariancePenalty.Irmv1(logits, f => f.square()));
        Assert.Contains("must be a scalar", e.Message, StringComparison.Ordinal);
        var detached = Assert.Throws<ArgumentException>(() => InvariancePenalty.Irmv1(logits, f => f.detach().mean()));
        Assert.Contains("does not depend on the scaled logits", detached.Message, StringComparison.Ordinal);
        var shape = Assert.Throws<ArgumentException>(() => InvariancePenalty.LogisticIrmv1(zeros(4, 1), zeros(4)));
        Assert.Contains("[4, 1]", shape.Message, StringComparison.Ordinal);
    }
}
