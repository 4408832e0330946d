using MathNet.Numerics.LinearAlgebra;
using Ppl.Inference.Optim;
using Xunit.Abstractions;
using static Ppl.Tests.Inference.Optim.BoundedLbfgsProblems;

namespace Ppl.Tests.Inference.Optim;

/// <summary>BoundedLbfgs on the Rosenbrock function, with and without bounds.</summary>
public sealed class BoundedLbfgsRosenbrockTests(ITestOutputHelper output)
{
    private static double[] Start(int n) => [.. Enumerable.Range(0, n).Select(i => i % 2 == 0 ? -1.2 : 1.0)];

    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    public void UnconstrainedReachesAllOnes(int n)
    {
        var result = BoundedLbfgs.Minimize(Rosenbrock, Start(n));

        output.WriteLine($"n = {n}: {result.StopReason}, iterations {result.Iterations}, evaluations {result.Evaluations}, f {result.F:R}");
        Assert.True(result.Converged, result.StopReason.ToString());
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(result.X[i] - 1.0) < 1e-5, $"x[{i}] = {result.X[i]}");
        }
    }

    /// <summary>
    /// With x ∈ [−2, 0.5]², f = 100(x₂ − x₁²)² + (1 − x₁)² ≥ (1 − x₁)² ≥ ¼ on the box, with equality
    /// only at x₁ = ½, x₂ = x₁² = ¼ (inside the x₂ bounds): the minimizer is (½, ¼) with x₁ at its
    /// upper bound and ∂f/∂x₁ = −1 &lt; 0 there.
    /// </summary>
    [Fact]
    public void BoundedTwoDimensionalOptimumIsDerived()
    {
        double[] lower = [-2.0, -2.0];
        double[] upper = [0.5, 0.5];

        var result = BoundedLbfgs.Minimize(Rosenbrock, Start(2), lower, upper);

        output.WriteLine($"bounded n = 2: {result.StopReason}, iterations {result.Iterations}, evaluations {result.Evaluations}");
        Assert.True(result.Converged, result.StopReason.ToString());
        Assert.Equal(0.5, result.X[0]);
        Assert.True(Math.Abs(result.X[1] - 0.25) < 1e-7, $"x₂ = {result.X[1]}");
        Assert.True(Math.Abs(result.F - 0.25) < 1e-12, $"f = {result.F}");
        double[] g = GradientAt(Rosenbrock, result.X);
        Assert.True(Math.Abs(g[0] + 1.0) < 1e-6, $"∂f/∂x₁ = {g[0]}");
    }

    /// <summary>
    /// n = 10 on [−2, 0.5]¹⁰ has no closed form, so the result is checked as a strict local
    /// minimizer: KKT holds (x₁ at its upper bound with ∂f/∂x₁ &lt; 0, the rest free with zero
    /// gradient), the Hessian on the free variables is positive definite, and Newton's method on the
    /// free variables (x₁ held at ½), started from the result, stays at it.
    /// </summary>
    [Fact]
    public void BoundedTenDimensionalOptimumSatisfiesKkt()
    {
        int n = 10;
        double[] lower = Filled(n, -2.0);
        double[] upper = Filled(n, 0.5);
        var options = new BoundedLbfgsOptions { GradientTolerance = 1e-9, RelativeReductionFactor = 10 };

        var result = BoundedLbfgs.Minimize(Rosenbrock, Start(n), lower, upper, options);
        var defaults = BoundedLbfgs.Minimize(Rosenbrock, Start(n), lower, upper);
        output.WriteLine($"bounded n = 10, default options: {defaults.StopReason}, iterations {defaults.Iterations}, evaluations {defaults.Evaluations}, f {defaults.F:R}");

        Assert.True(result.Converged, result.StopReason.ToString());
        double[] g = GradientAt(Rosenbrock, result.X);
        AssertKkt(result.X, g, lower, upper, 1e-7, "bounded Rosenbrock n = 10");
        Assert.Equal(0.5, result.X[0]);
        Assert.True(g[0] < -1.0, $"∂f/∂x₁ = {g[0]} should push x₁ up against its bound");
        for (int i = 1; i < n; i++)
        {
            Assert.True(result.X[i] > lower[i] && result.X[i] < upper[i], $"x[{i}] = {result.X[i]} should be free");
        }

        double[] x = result.X.ToArray();
        var freeHessian = RosenbrockHessian(x).SubMatrix(1, n - 1, 1, n - 1);
        Assert.True(freeHessian.Evd().EigenValues.Real().Minimum() > 0.0, "reduced Hessian is not positive definite");
        for (int step = 0; step < 20; step++)
        {
            double[] grad = new double[n];
            Rosenbrock(x, grad);
            var delta = RosenbrockHessian(x).SubMatrix(1, n - 1, 1, n - 1)
                .Solve(Vector<double>.Build.Dense(n - 1, i => grad[i + 1]));
            for (int i = 1; i < n; i++)
            {
                x[i] -= delta[i - 1];
            }
        }

        double[] finalGrad = new double[n];
        Rosenbrock(x, finalGrad);
        Assert.True(finalGrad.Skip(1).Max(Math.Abs) < 1e-10, "Newton did not converge");
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(result.X[i] - x[i]) < 1e-7, $"x[{i}] = {result.X[i]}, Newton {x[i]}");
        }
    }
}
