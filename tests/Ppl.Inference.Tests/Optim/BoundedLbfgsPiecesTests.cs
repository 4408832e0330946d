using MathNet.Numerics.LinearAlgebra;
using Ppl.Inference.Optim;
using static Ppl.Tests.Inference.Optim.BoundedLbfgsProblems;

namespace Ppl.Tests.Inference.Optim;

/// <summary>
/// The internal pieces of BoundedLbfgs against dense, brute-force computations on tiny problems:
/// the compact matrix against the BFGS recursion, the Cauchy point against a segment-by-segment
/// search of the projected path, the subspace step against a dense reduced solve, and the line
/// search against the strong Wolfe conditions.
/// </summary>
public sealed class BoundedLbfgsPiecesTests
{
    private const int N = 6;

    /// <summary>Memory of capacity 3 fed 5 curvature pairs from a random SPD Hessian (so the oldest are dropped).</summary>
    private static (CompactBfgsMemory Memory, List<(double[] S, double[] Y)> Kept) RandomMemory(Random rng)
    {
        var hessian = RandomSpd(N, rng);
        var memory = new CompactBfgsMemory(N, 3);
        var pairs = new List<(double[] S, double[] Y)>();
        for (int k = 0; k < 5; k++)
        {
            var s = RandomVector(N, rng, 1.0);
            var y = (hessian * s) + RandomVector(N, rng, 0.01);
            Assert.True(memory.TryAdd(s.ToArray(), y.ToArray()));
            pairs.Add((s.ToArray(), y.ToArray()));
        }

        return (memory, pairs.Skip(2).ToList());
    }

    /// <summary>B = θI − W·M·Wᵀ assembled from the memory's rows and middle matrix.</summary>
    private static Matrix<double> CompactDense(CompactBfgsMemory memory, int n = N)
    {
        int w = memory.Width;
        double[] middle = memory.Middle()!;
        var wMat = Matrix<double>.Build.Dense(n, w);
        double[] row = new double[w];
        for (int i = 0; i < n; i++)
        {
            memory.Row(i, row);
            wMat.SetRow(i, row);
        }

        var m = Matrix<double>.Build.Dense(w, w, (i, j) => middle[(i * w) + j]);
        return (memory.Theta * Matrix<double>.Build.DenseIdentity(n)) - (wMat * m * wMat.Transpose());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void CompactMatrixEqualsTheBfgsRecursion(int seed)
    {
        var (memory, kept) = RandomMemory(new Random(seed));
        var lastY = Vector<double>.Build.DenseOfArray(kept[^1].Y);
        var lastS = Vector<double>.Build.DenseOfArray(kept[^1].S);
        double theta = lastY.DotProduct(lastY) / lastS.DotProduct(lastY);
        var b = theta * Matrix<double>.Build.DenseIdentity(N);
        foreach (var (sArr, yArr) in kept)
        {
            var s = Vector<double>.Build.DenseOfArray(sArr);
            var y = Vector<double>.Build.DenseOfArray(yArr);
            var bs = b * s;
            b = b - (bs.OuterProduct(bs) / s.DotProduct(bs)) + (y.OuterProduct(y) / y.DotProduct(s));
        }

        Assert.Equal(theta, memory.Theta, 12);
        var compact = CompactDense(memory);
        Assert.True((compact - b).InfinityNorm() < 1e-9 * b.InfinityNorm(), $"compact vs recursion differ by {(compact - b).InfinityNorm()}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void CauchyPointIsTheFirstMinimizerAlongTheProjectedPath(int seed)
    {
        var rng = new Random(seed);
        var (memory, _) = RandomMemory(rng);
        var bDense = CompactDense(memory);
        double[] lower = [.. Enumerable.Range(0, N).Select(_ => -1.0)];
        double[] upper = [.. Enumerable.Range(0, N).Select(i => i == 2 ? -1.0 : 1.0)];
        double[] x = [.. Enumerable.Range(0, N).Select(i => i == 2 ? -1.0 : (rng.NextDouble() * 1.6) - 0.8)];
        x[4] = 1.0;
        double[] g = RandomVector(N, rng, 30.0).ToArray();
        g[4] = -Math.Abs(g[4]);

        double[] xc = new double[N];
        double[] c = new double[memory.Width];
        new GeneralizedCauchyPoint(N).Compute(x, g, lower, upper, memory, memory.Middle()!, xc, c);

        double[] expected = BruteForceCauchy(x, g, lower, upper, bDense);
        for (int i = 0; i < N; i++)
        {
            Assert.True(Math.Abs(xc[i] - expected[i]) < 1e-10, $"seed {seed}: xc[{i}] = {xc[i]}, brute force {expected[i]}");
        }

        Assert.Equal(-1.0, xc[2]);
        Assert.Equal(1.0, xc[4]);
        double[] z = [.. xc.Select((v, i) => v - x[i])];
        double[] wz = new double[memory.Width];
        memory.TransposeTimes(z, wz);
        for (int j = 0; j < wz.Length; j++)
        {
            Assert.True(Math.Abs(c[j] - wz[j]) < 1e-9, $"c[{j}] = {c[j]}, Wᵀ(xc − x) = {wz[j]}");
        }
    }

    /// <summary>
    /// L-BFGS-B 3.0's subspace step, against a dense computation: the reduced Newton step
    /// d = −(ZᵀBZ)⁻¹Zᵀ(g + B(xc − x)) from the Cauchy point, projected onto the box when that
    /// is still a descent direction from x, else truncated at the first bound it meets. Random
    /// problems give the first two outcomes; the third needs a strongly skewed B, so a 2-D
    /// problem built for it (one (s, y) pair, cond B ≈ 4,000) is checked too.
    /// </summary>
    [Fact]
    public void SubspaceStepIsTheDenseReducedNewtonStepProjectedOrTruncated()
    {
        var outcomes = new Dictionary<string, int> { ["inside"] = 0, ["projected"] = 0, ["truncated"] = 0 };
        for (int seed = 1; seed <= 40; seed++)
        {
            var rng = new Random(seed);
            var (memory, _) = RandomMemory(rng);
            double[] x = [.. Enumerable.Range(0, N).Select(_ => (rng.NextDouble() * 1.6) - 0.8)];
            double[] g = RandomVector(N, rng, 5.0).ToArray();
            CheckSubspaceStep(memory, x, g, Filled(N, -1.0), Filled(N, 1.0), outcomes, $"seed {seed}");
        }

        var skewed = new CompactBfgsMemory(2, 1);
        Assert.True(skewed.TryAdd([0.438, -1.596], [14.943, 3.607]));
        CheckSubspaceStep(skewed, [0.15, -0.29], [1.35, 1.212], [-1.0, -1.0], [1.0, 1.0], outcomes, "skewed 2-D");

        Assert.All(outcomes, o => Assert.True(o.Value > 0, $"no problem gave the '{o.Key}' outcome: {string.Join(", ", outcomes)}"));
    }

    private static void CheckSubspaceStep(
        CompactBfgsMemory memory, double[] x, double[] g, double[] lower, double[] upper, Dictionary<string, int> outcomes, string label)
    {
        int n = x.Length;
        var bDense = CompactDense(memory, n);
        double[] xc = new double[n];
        double[] c = new double[memory.Width];
        new GeneralizedCauchyPoint(n).Compute(x, g, lower, upper, memory, memory.Middle()!, xc, c);
        int[] free = [.. Enumerable.Range(0, n).Where(i => xc[i] > lower[i] && xc[i] < upper[i])];
        if (free.Length == 0)
        {
            return;
        }

        double[] xbar = (double[])xc.Clone();
        double[] columns = [];
        Assert.True(SubspaceMinimization.TryMinimize(
            x, g, lower, upper, memory, memory.Middle()!, memory.MiddleInverse(), c, free, free.Length, new double[n], xbar, ref columns));

        var modelGradient = Vector<double>.Build.DenseOfArray(g)
            + (bDense * Vector<double>.Build.Dense(n, i => xc[i] - x[i]));
        var reducedHessian = Matrix<double>.Build.Dense(free.Length, free.Length, (r, s) => bDense[free[r], free[s]]);
        var d = -reducedHessian.Solve(Vector<double>.Build.Dense(free.Length, r => modelGradient[free[r]]));
        var (expected, outcome) = DenseSubspacePoint(x, g, xc, lower, upper, free, d);
        outcomes[outcome]++;
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(xbar[i] - expected[i]) < 1e-9, $"{label} ({outcome}): xbar[{i}] = {xbar[i]}, dense {expected[i]}");
        }
    }

    private static (double[] Point, string Outcome) DenseSubspacePoint(
        double[] x, double[] g, double[] xc, double[] lower, double[] upper, int[] free, Vector<double> d)
    {
        double[] projected = (double[])xc.Clone();
        bool reachesBound = false;
        for (int r = 0; r < free.Length; r++)
        {
            int i = free[r];
            projected[i] = Math.Clamp(xc[i] + d[r], lower[i], upper[i]);
            reachesBound |= projected[i] == lower[i] || projected[i] == upper[i];
        }

        if (!reachesBound)
        {
            return (projected, "inside");
        }

        if (projected.Select((p, i) => (p - x[i]) * g[i]).Sum() <= 0.0)
        {
            return (projected, "projected");
        }

        double alpha = 1.0;
        for (int r = 0; r < free.Length; r++)
        {
            int i = free[r];
            alpha = d[r] > 0 ? Math.Min(alpha, (upper[i] - xc[i]) / d[r]) : d[r] < 0 ? Math.Min(alpha, (lower[i] - xc[i]) / d[r]) : alpha;
        }

        double[] truncated = (double[])xc.Clone();
        for (int r = 0; r < free.Length; r++)
        {
            truncated[free[r]] += alpha * d[r];
        }

        return (truncated, "truncated");
    }

    public static readonly TheoryData<int, double> LineSearchCases = new()
    {
        { 1, 1e-3 }, { 1, 1e-1 }, { 1, 10.0 }, { 1, 1e3 },
        { 2, 1e-3 }, { 2, 1e-1 }, { 2, 10.0 }, { 2, 1e3 },
        { 3, 1e-3 }, { 3, 1e-1 }, { 3, 10.0 }, { 3, 1e3 },
    };

    /// <summary>
    /// 1: Moré &amp; Thuente's −t/(t² + 2); 2: (t − 2)⁴ + (t − 2)², a well-scaled polynomial;
    /// 3: Moré &amp; Thuente's (t + β)⁵ − 2(t + β)⁴ with β = 0.004.
    /// </summary>
    private static (double F, double D) Phi(int function, double t)
    {
        switch (function)
        {
            case 1:
                double den = (t * t) + 2.0;
                return (-t / den, ((t * t) - 2.0) / (den * den));
            case 2:
                double e = t - 2.0;
                return (Math.Pow(e, 4) + (e * e), (4.0 * Math.Pow(e, 3)) + (2.0 * e));
            default:
                double u = t + 0.004;
                return (Math.Pow(u, 5) - (2.0 * Math.Pow(u, 4)), (5.0 * Math.Pow(u, 4)) - (8.0 * Math.Pow(u, 3)));
        }
    }

    [Theory]
    [MemberData(nameof(LineSearchCases))]
    public void LineSearchMeetsTheStrongWolfeConditions(int function, double initialStep)
    {
        var (f0, d0) = Phi(function, 0.0);
        var outcome = StrongWolfeLineSearch.Search(
            (double t, out double v, out double s) => { (v, s) = Phi(function, t); return true; },
            f0, d0, initialStep, 1e10, 30);

        Assert.Equal(Phi(function, outcome.Step).F, outcome.Value);
        Assert.True(outcome.Value <= f0 + (StrongWolfeLineSearch.SufficientDecrease * outcome.Step * d0), "sufficient decrease");
        if (function == 3)
        {
            // φ′(0) ≈ −5e-7 there, so |φ′| ≤ 0.9|φ′(0)| needs the step to 1e-8 relative, finer than
            // L-BFGS-B's interval tolerance 0.1: the search stops on the tolerance with a decrease.
            Assert.True(outcome.Status is LineSearchStatus.Converged or LineSearchStatus.Stalled, outcome.Status.ToString());
            Assert.True(Math.Abs(outcome.Step - 1.596) < 0.2, $"step {outcome.Step} far from the minimizer 1.596");
            return;
        }

        Assert.Equal(LineSearchStatus.Converged, outcome.Status);
        Assert.True(Math.Abs(outcome.Slope) <= StrongWolfeLineSearch.CurvatureTolerance * Math.Abs(d0), "curvature");
    }

    /// <summary>Walks the kinks of P(x − t·g) in order, minimizing the model exactly on each linear piece.</summary>
    private static double[] BruteForceCauchy(double[] x, double[] g, double[] lower, double[] upper, Matrix<double> b)
    {
        int n = x.Length;
        double[] hit = new double[n];
        for (int i = 0; i < n; i++)
        {
            hit[i] = g[i] < 0 ? (x[i] - upper[i]) / g[i] : g[i] > 0 ? (x[i] - lower[i]) / g[i] : double.PositiveInfinity;
        }

        var gv = Vector<double>.Build.DenseOfArray(g);
        Vector<double> PathPoint(double t) =>
            Vector<double>.Build.Dense(n, i => Math.Clamp(x[i] - (t * g[i]), lower[i], upper[i]));
        double[] kinks = [0.0, .. hit.Where(t => t > 0 && !double.IsPositiveInfinity(t)).Distinct().Order(), double.PositiveInfinity];
        var xv = Vector<double>.Build.DenseOfArray(x);
        for (int k = 0; k + 1 < kinks.Length; k++)
        {
            double ta = kinks[k];
            double tb = kinks[k + 1];
            var start = PathPoint(ta);
            var d = Vector<double>.Build.Dense(n, i => hit[i] > ta ? -g[i] : 0.0);
            if (d.L2Norm() == 0.0)
            {
                return start.ToArray();
            }

            double slope = gv.DotProduct(d) + d.DotProduct(b * (start - xv));
            double curvature = d.DotProduct(b * d);
            if (slope >= 0.0)
            {
                return start.ToArray();
            }

            double tStar = ta - (slope / curvature);
            if (tStar < tb)
            {
                return PathPoint(tStar).ToArray();
            }
        }

        throw new InvalidOperationException("unreachable: the last piece is unbounded");
    }
}
