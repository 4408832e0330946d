using MathNet.Numerics.LinearAlgebra;
using Ppl.Inference.Optim;
using static Ppl.Tests.Inference.Optim.BoundedLbfgsProblems;

namespace Ppl.Tests.Inference.Optim;

/// <summary>BoundedLbfgs on strictly convex quadratics, whose constrained minimizer is known independently.</summary>
public sealed class BoundedLbfgsQuadraticTests
{
    private static readonly BoundedLbfgsOptions Tight = new() { GradientTolerance = 1e-10, RelativeReductionFactor = 10 };

    [Fact]
    public void InteriorMinimumIsTheLinearSystemSolution()
    {
        var rng = new Random(11);
        int n = 8;
        var a = RandomSpd(n, rng);
        var b = RandomVector(n, rng, 1.0);
        var exact = a.Solve(b);
        double[] lower = Filled(n, -50.0);
        double[] upper = Filled(n, 50.0);
        Assert.True(exact.AbsoluteMaximum() < 10.0, "the unconstrained solution must be well inside the box for this test");

        var result = BoundedLbfgs.Minimize(Quadratic(a, b), new double[n], lower, upper, Tight);

        Assert.True(result.Converged, result.StopReason.ToString());
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(result.X[i] - exact[i]) < 1e-8, $"x[{i}] = {result.X[i]}, A⁻¹b = {exact[i]}");
        }
    }

    [Fact]
    public void SeparableQuadraticGivesTheClippedMinimizer()
    {
        double[] curvature = [1.0, 10.0, 0.5, 3.0, 100.0, 2.0];
        double[] centre = [2.0, -3.0, 0.5, 5.0, -1.0, 0.25];
        double[] lower = [-1.0, -1.0, -1.0, -1.0, -1.0, 0.5];
        double[] upper = [1.0, 1.0, 1.0, 1.0, 1.0, 2.0];
        double F(double[] x, double[] g)
        {
            double f = 0.0;
            for (int i = 0; i < x.Length; i++)
            {
                f += curvature[i] * (x[i] - centre[i]) * (x[i] - centre[i]);
                g[i] = 2.0 * curvature[i] * (x[i] - centre[i]);
            }

            return f;
        }

        var result = BoundedLbfgs.Minimize(F, new double[6], lower, upper, Tight);

        Assert.True(result.Converged, result.StopReason.ToString());
        for (int i = 0; i < 6; i++)
        {
            double clipped = Math.Clamp(centre[i], lower[i], upper[i]);
            if (clipped != centre[i])
            {
                // An active bound is reached exactly: the Cauchy point puts the variable on it.
                Assert.Equal(clipped, result.X[i]);
            }
            else
            {
                Assert.True(Math.Abs(result.X[i] - clipped) < 1e-10, $"free x[{i}] = {result.X[i]}, expected {clipped}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RandomBoundedQuadraticMatchesActiveSetEnumeration(int seed)
    {
        var rng = new Random(seed);
        int n = 4;
        var a = RandomSpd(n, rng);
        var b = RandomVector(n, rng, 6.0);
        double[] lower = [.. Enumerable.Range(0, n).Select(_ => -rng.NextDouble())];
        double[] upper = [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble())];
        var objective = Quadratic(a, b);
        double[] reference = EnumerateActiveSets(a, b, lower, upper);
        Assert.True(
            Enumerable.Range(0, n).Any(i => reference[i] == lower[i] || reference[i] == upper[i]),
            $"seed {seed}: no bound is active, so the test would not exercise the bounds");

        var result = BoundedLbfgs.Minimize(objective, new double[n], lower, upper, Tight);

        Assert.True(result.Converged, result.StopReason.ToString());
        AssertKkt(result.X, GradientAt(objective, result.X), lower, upper, 1e-8, $"seed {seed}");
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(result.X[i] - reference[i]) < 1e-8, $"seed {seed}: x[{i}] = {result.X[i]}, reference {reference[i]}");
        }
    }

    /// <summary>
    /// The unique KKT point of a strictly convex quadratic on a box, by trying all 3ⁿ assignments of
    /// each variable to its lower bound, its upper bound or free (free ones solve the reduced system).
    /// </summary>
    private static double[] EnumerateActiveSets(Matrix<double> a, Vector<double> b, double[] lower, double[] upper)
    {
        int n = lower.Length;
        int combos = (int)Math.Pow(3, n);
        var found = new List<double[]>();
        for (int code = 0; code < combos; code++)
        {
            int[] state = new int[n];
            for (int i = 0, c = code; i < n; i++, c /= 3)
            {
                state[i] = c % 3;
            }

            double[] x = new double[n];
            var free = Enumerable.Range(0, n).Where(i => state[i] == 2).ToArray();
            for (int i = 0; i < n; i++)
            {
                x[i] = state[i] == 0 ? lower[i] : state[i] == 1 ? upper[i] : 0.0;
            }

            if (free.Length > 0)
            {
                var aff = Matrix<double>.Build.Dense(free.Length, free.Length, (r, c) => a[free[r], free[c]]);
                var rhs = Vector<double>.Build.Dense(free.Length, r =>
                    b[free[r]] - Enumerable.Range(0, n).Where(j => state[j] != 2).Sum(j => a[free[r], j] * x[j]));
                var xf = aff.Solve(rhs);
                for (int r = 0; r < free.Length; r++)
                {
                    x[free[r]] = xf[r];
                }
            }

            var g = (a * Vector<double>.Build.DenseOfArray(x)) - b;
            bool kkt = true;
            for (int i = 0; i < n; i++)
            {
                kkt &= state[i] switch
                {
                    0 => g[i] >= -1e-12,
                    1 => g[i] <= 1e-12,
                    _ => x[i] >= lower[i] && x[i] <= upper[i],
                };
            }

            if (kkt)
            {
                found.Add(x);
            }
        }

        Assert.NotEmpty(found);
        return found[0];
    }
}
