using MathNet.Numerics.LinearAlgebra;

namespace Ppl.Tests.Inference.Optim;

/// <summary>Test objectives for BoundedLbfgs and an independent KKT check.</summary>
internal static class BoundedLbfgsProblems
{
    /// <summary>Chained Rosenbrock Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)² (scipy's <c>rosen</c>), filling the gradient.</summary>
    public static double Rosenbrock(double[] x, double[] g)
    {
        Array.Clear(g);
        double f = 0.0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = x[i + 1] - (x[i] * x[i]);
            double b = 1.0 - x[i];
            f += (100.0 * a * a) + (b * b);
            g[i] += (-400.0 * x[i] * a) - (2.0 * b);
            g[i + 1] += 200.0 * a;
        }

        return f;
    }

    /// <summary>Hessian of <see cref="Rosenbrock"/> (tridiagonal).</summary>
    public static Matrix<double> RosenbrockHessian(double[] x)
    {
        int n = x.Length;
        var h = Matrix<double>.Build.Dense(n, n);
        for (int i = 0; i < n - 1; i++)
        {
            h[i, i] += (-400.0 * (x[i + 1] - (x[i] * x[i]))) + (800.0 * x[i] * x[i]) + 2.0;
            h[i + 1, i + 1] += 200.0;
            h[i, i + 1] += -400.0 * x[i];
            h[i + 1, i] += -400.0 * x[i];
        }

        return h;
    }

    /// <summary>f = ½xᵀAx − bᵀx with its gradient Ax − b.</summary>
    public static Func<double[], double[], double> Quadratic(Matrix<double> a, Vector<double> b) => (x, g) =>
    {
        var xv = Vector<double>.Build.DenseOfArray(x);
        var grad = (a * xv) - b;
        for (int i = 0; i < g.Length; i++)
        {
            g[i] = grad[i];
        }

        return (0.5 * xv.DotProduct(a * xv)) - b.DotProduct(xv);
    };

    /// <summary>A random symmetric positive definite matrix QᵀQ + n·0.1·I with entries of Q in [−1, 1].</summary>
    public static Matrix<double> RandomSpd(int n, Random rng)
    {
        var q = Matrix<double>.Build.Dense(n, n, (_, _) => (2.0 * rng.NextDouble()) - 1.0);
        return (q.TransposeThisAndMultiply(q)) + Matrix<double>.Build.DenseIdentity(n, n).Multiply(0.1 * n);
    }

    public static Vector<double> RandomVector(int n, Random rng, double scale) =>
        Vector<double>.Build.Dense(n, _ => scale * ((2.0 * rng.NextDouble()) - 1.0));

    /// <summary>
    /// First-order optimality for a box: at a free variable the gradient vanishes, at a lower bound
    /// it is ≥ 0, at an upper bound ≤ 0 (each to <paramref name="tol"/>), and x lies in the box.
    /// </summary>
    public static void AssertKkt(IReadOnlyList<double> x, double[] g, double[] lower, double[] upper, double tol, string what)
    {
        for (int i = 0; i < x.Count; i++)
        {
            Assert.True(x[i] >= lower[i] && x[i] <= upper[i], $"{what}: x[{i}] = {x[i]} outside [{lower[i]}, {upper[i]}]");
            bool atLower = x[i] == lower[i];
            bool atUpper = x[i] == upper[i];
            if (atLower && atUpper)
            {
                continue;
            }

            if (atLower)
            {
                Assert.True(g[i] >= -tol, $"{what}: at lower bound x[{i}] = {x[i]} but g = {g[i]} < 0 (f decreases inward)");
            }
            else if (atUpper)
            {
                Assert.True(g[i] <= tol, $"{what}: at upper bound x[{i}] = {x[i]} but g = {g[i]} > 0 (f decreases inward)");
            }
            else
            {
                Assert.True(Math.Abs(g[i]) <= tol, $"{what}: free x[{i}] = {x[i]} has g = {g[i]}");
            }
        }
    }

    /// <summary>The objective's gradient at x, evaluated independently of the solver's reported one.</summary>
    public static double[] GradientAt(Func<double[], double[], double> objective, IReadOnlyList<double> x)
    {
        double[] g = new double[x.Count];
        objective(x.ToArray(), g);
        return g;
    }

    public static double[] Filled(int n, double value)
    {
        double[] a = new double[n];
        Array.Fill(a, value);
        return a;
    }
}
