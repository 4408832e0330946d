using System.Diagnostics;
using Ppl.Inference.Optim;

namespace Ppl.Tests.Inference.Optim;

/// <summary>
/// BoundedLbfgs at the NOTEARS scale (2·d² variables, d = 100): memory and time must be O(m·n).
/// An n × n matrix here would be 3.2 GB, so the allocation bound below proves none is formed.
/// </summary>
public sealed class BoundedLbfgsLargeTests
{
    [Fact]
    public void LowRankPlusDiagonalQuadraticWithHalfTheVariablesAtABound()
    {
        const int n = 20_000;
        const int rank = 3;
        var rng = new Random(7);
        double[] diagonal = [.. Enumerable.Range(0, n).Select(i => 1.0 + (i % 7))];
        double[][] factors = [.. Enumerable.Range(0, rank).Select(_ =>
            Enumerable.Range(0, n).Select(_ => ((2.0 * rng.NextDouble()) - 1.0) * 0.05).ToArray())];
        double[] lower = new double[n];
        double[] upper = new double[n];
        double[] solution = new double[n];
        double[] gradientAtSolution = new double[n];
        for (int i = 0; i < n; i++)
        {
            bool isFixed = i % 10 == 0;
            upper[i] = isFixed ? 0.0 : double.PositiveInfinity;
            if (isFixed)
            {
                // Fixed at zero although f would fall by moving it up: the bound must win.
                gradientAtSolution[i] = -0.3;
            }
            else if (i % 2 == 0)
            {
                gradientAtSolution[i] = 0.5 + (0.1 * (i % 5));
            }
            else
            {
                solution[i] = 1.0 + (i % 3);
            }
        }

        // f(x) = ½eᵀAe + g*ᵀe with e = x − x* and A = D + UUᵀ (positive definite): ∇f(x*) = g*, which is
        // zero on the free variables and points out of the box at the active ones, so x* is the KKT
        // point and hence the minimizer. Centring on x* keeps f small near the optimum, so its
        // rounding noise does not hide the tiny decreases a 1e-8 gradient tolerance needs.
        double[] error = new double[n];
        double[] projections = new double[rank];
        void Apply(double[] x, double[] ax)
        {
            for (int j = 0; j < rank; j++)
            {
                double dot = 0.0;
                for (int i = 0; i < n; i++)
                {
                    dot += factors[j][i] * x[i];
                }

                projections[j] = dot;
            }

            for (int i = 0; i < n; i++)
            {
                double v = diagonal[i] * x[i];
                for (int j = 0; j < rank; j++)
                {
                    v += factors[j][i] * projections[j];
                }

                ax[i] = v;
            }
        }

        double Objective(double[] x, double[] g)
        {
            for (int i = 0; i < n; i++)
            {
                error[i] = x[i] - solution[i];
            }

            Apply(error, g);
            double f = 0.0;
            for (int i = 0; i < n; i++)
            {
                f += (0.5 * error[i] * g[i]) + (gradientAtSolution[i] * error[i]);
                g[i] += gradientAtSolution[i];
            }

            return f;
        }

        double[] x0 = new double[n];
        Array.Fill(x0, 0.5);
        var options = new BoundedLbfgsOptions { GradientTolerance = 1e-8, RelativeReductionFactor = 1 };
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();

        var result = BoundedLbfgs.Minimize(Objective, x0, lower, upper, options);

        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(result.Converged, $"{result.StopReason} after {result.Iterations} iterations, projected gradient {result.ProjectedGradientNorm}, f {result.F}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        Assert.True(allocated < 64L * 1024 * 1024, $"allocated {allocated} bytes");
        double worst = 0.0;
        for (int i = 0; i < n; i++)
        {
            worst = Math.Max(worst, Math.Abs(result.X[i] - solution[i]));
            if (solution[i] == 0.0)
            {
                Assert.Equal(0.0, result.X[i]);
            }
        }

        Assert.True(worst < 1e-7, $"max |x − x*| = {worst} after {result.Iterations} iterations");
    }
}
