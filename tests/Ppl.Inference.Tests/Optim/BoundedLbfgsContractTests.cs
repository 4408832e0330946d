using Ppl.Inference.Optim;
using static Ppl.Tests.Inference.Optim.BoundedLbfgsProblems;

namespace Ppl.Tests.Inference.Optim;

/// <summary>BoundedLbfgs's promises: bounds handling, argument errors, and truthful stop reasons.</summary>
public sealed class BoundedLbfgsContractTests
{
    /// <summary>Σ (xᵢ − cᵢ)², minimized at c clipped to the box.</summary>
    private static Func<double[], double[], double> Bowl(double[] centre) => (x, g) =>
    {
        double f = 0.0;
        for (int i = 0; i < x.Length; i++)
        {
            f += (x[i] - centre[i]) * (x[i] - centre[i]);
            g[i] = 2.0 * (x[i] - centre[i]);
        }

        return f;
    };

    [Fact]
    public void FixedVariablesNeverMove()
    {
        double[] centre = [3.0, 3.0, 3.0, 3.0];
        double[] lower = [-10.0, 1.0, 0.0, 0.0];
        double[] upper = [10.0, 1.0, double.PositiveInfinity, 0.0];
        var bowl = Bowl(centre);
        var seen = new List<double[]>();
        double Recording(double[] x, double[] g)
        {
            seen.Add((double[])x.Clone());
            return bowl(x, g);
        }

        var result = BoundedLbfgs.Minimize(Recording, [0.0, 5.0, 0.0, -2.0], lower, upper);

        Assert.True(result.Converged, result.StopReason.ToString());
        Assert.All(seen, x => Assert.Equal(1.0, x[1]));
        Assert.All(seen, x => Assert.Equal(0.0, x[3]));
        Assert.True(Math.Abs(result.X[0] - 3.0) < 1e-6 && Math.Abs(result.X[2] - 3.0) < 1e-6, $"free variables {result.X[0]}, {result.X[2]}");
    }

    [Fact]
    public void InfiniteBoundsOnEitherSideWork()
    {
        double[] centre = [5.0, -4.0, 3.0, 1.0, -7.0];
        double[] lower = [double.NegativeInfinity, 0.0, double.NegativeInfinity, 2.0, double.NegativeInfinity];
        double[] upper = [double.PositiveInfinity, double.PositiveInfinity, -1.0, double.PositiveInfinity, double.PositiveInfinity];

        var result = BoundedLbfgs.Minimize(Bowl(centre), new double[5], lower, upper);
        var unbounded = BoundedLbfgs.Minimize(Bowl(centre), new double[5]);

        Assert.True(result.Converged && unbounded.Converged);
        double[] expected = [5.0, 0.0, -1.0, 2.0, -7.0];
        for (int i = 0; i < 5; i++)
        {
            Assert.True(Math.Abs(result.X[i] - expected[i]) < 1e-6, $"x[{i}] = {result.X[i]}, expected {expected[i]}");
            Assert.True(Math.Abs(unbounded.X[i] - centre[i]) < 1e-6, $"unbounded x[{i}] = {unbounded.X[i]}");
        }
    }

    [Fact]
    public void StartOutsideTheBoxIsProjected()
    {
        var seen = new List<double[]>();
        var bowl = Bowl([0.25, 0.75, 2.0]);
        double Recording(double[] x, double[] g)
        {
            seen.Add((double[])x.Clone());
            return bowl(x, g);
        }

        double[] lower = [0.0, 0.0, 0.0];
        double[] upper = [1.0, 1.0, 1.0];
        double[] x0 = [-5.0, 7.0, 0.5];

        var result = BoundedLbfgs.Minimize(Recording, x0, lower, upper);

        Assert.Equal([0.0, 1.0, 0.5], seen[0]);
        Assert.Equal([-5.0, 7.0, 0.5], x0);
        Assert.All(seen, x => Assert.True(x.Select((v, i) => v >= lower[i] && v <= upper[i]).All(ok => ok)));
        Assert.True(result.Converged);
        Assert.Equal(1.0, result.X[2]);
    }

    [Fact]
    public void LowerAboveUpperNamesTheIndex()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            BoundedLbfgs.Minimize(Bowl([0, 0, 0]), new double[3], [0.0, 0.0, 2.0], [1.0, 1.0, 1.0]));
        Assert.Contains("lower[2] = 2 exceeds upper[2] = 1", ex.Message);
        Assert.Equal("lower", ex.ParamName);
    }

    [Fact]
    public void BadArgumentsThrowWithTheFix()
    {
        var bowl = Bowl([0, 0]);
        var lengths = Assert.Throws<ArgumentException>(() => BoundedLbfgs.Minimize(bowl, new double[2], new double[3], null));
        Assert.Contains("lower has length 3 but x0 has length 2", lengths.Message);
        var upperLength = Assert.Throws<ArgumentException>(() => BoundedLbfgs.Minimize(bowl, new double[2], null, new double[1]));
        Assert.Equal("upper", upperLength.ParamName);
        var nanStart = Assert.Throws<ArgumentException>(() => BoundedLbfgs.Minimize(bowl, [0.0, double.NaN]));
        Assert.Contains("x0[1] is NaN", nanStart.Message);
        var empty = Assert.Throws<ArgumentException>(() => BoundedLbfgs.Minimize(bowl, []));
        Assert.Contains("x0 is empty", empty.Message);
        var infiniteLower = Assert.Throws<ArgumentException>(() =>
            BoundedLbfgs.Minimize(bowl, new double[2], [double.PositiveInfinity, 0.0], [double.PositiveInfinity, 1.0]));
        Assert.Contains("bound 0", infiniteLower.Message);
        var history = Assert.Throws<ArgumentException>(() =>
            BoundedLbfgs.Minimize(bowl, new double[2], options: new BoundedLbfgsOptions { History = 0 }));
        Assert.Equal("options", history.ParamName);
        Assert.Contains("History = 0", history.Message);
        Assert.Throws<ArgumentException>(() =>
            BoundedLbfgs.Minimize(bowl, new double[2], options: new BoundedLbfgsOptions { GradientTolerance = double.NaN }));
        Assert.Throws<ArgumentException>(() =>
            BoundedLbfgs.Minimize(bowl, new double[2], options: new BoundedLbfgsOptions { MaxEvaluations = 0 }));
        Assert.Throws<ArgumentNullException>(() => BoundedLbfgs.Minimize(null!, new double[2]));
    }

    [Fact]
    public void NonFiniteValueAtTheStartThrows()
    {
        var ex = Assert.Throws<NonFiniteObjectiveException>(() =>
            BoundedLbfgs.Minimize((x, g) => { Array.Clear(g); return Math.Log(x[0]); }, [0.0, 1.0]));
        Assert.Equal(0, ex.Iteration);
        Assert.Equal(-1, ex.Index);
        Assert.Contains("objective value is -∞", ex.Message.Replace("-Infinity", "-∞", StringComparison.Ordinal));
        Assert.Contains("at the starting point", ex.Message);
    }

    [Fact]
    public void NonFiniteGradientMidRunNamesIterationAndIndex()
    {
        var bowl = Bowl([1.0, 2.0, 3.0, 4.0]);
        int calls = 0;
        double Faulty(double[] x, double[] g)
        {
            double f = bowl(x, g);
            if (++calls == 4)
            {
                g[3] = double.NaN;
            }

            return f;
        }

        var ex = Assert.Throws<NonFiniteObjectiveException>(() =>
            BoundedLbfgs.Minimize(Faulty, [10.0, -10.0, 10.0, -10.0], options: new BoundedLbfgsOptions { GradientTolerance = 1e-14, RelativeReductionFactor = 0 }));
        Assert.Equal(3, ex.Index);
        Assert.True(ex.Iteration >= 1, $"iteration {ex.Iteration}");
        Assert.Contains("gradient[3] is NaN", ex.Message);
        Assert.Contains("iteration", ex.Message);
    }

    [Fact]
    public void UnwrittenGradientEntryIsReported()
    {
        var ex = Assert.Throws<NonFiniteObjectiveException>(() =>
            BoundedLbfgs.Minimize((x, g) => { g[0] = 2 * x[0]; return x[0] * x[0]; }, [1.0, 1.0]));
        Assert.Equal(1, ex.Index);
        Assert.Contains("every gradient entry", ex.Message);
    }

    [Fact]
    public void IterationLimitIsReported()
    {
        var result = BoundedLbfgs.Minimize(Rosenbrock, [-1.2, 1.0], options: new BoundedLbfgsOptions { MaxIterations = 3 });

        Assert.Equal(BoundedLbfgsStopReason.IterationLimit, result.StopReason);
        Assert.Equal(3, result.Iterations);
        Assert.False(result.Converged);
    }

    [Fact]
    public void EvaluationLimitIsReportedAndNeverExceeded()
    {
        int calls = 0;
        double Counting(double[] x, double[] g)
        {
            calls++;
            return Rosenbrock(x, g);
        }

        var result = BoundedLbfgs.Minimize(Counting, [-1.2, 1.0], options: new BoundedLbfgsOptions { MaxEvaluations = 5 });

        Assert.Equal(BoundedLbfgsStopReason.EvaluationLimit, result.StopReason);
        Assert.Equal(calls, result.Evaluations);
        Assert.True(calls <= 5, $"{calls} evaluations");
        Assert.False(result.Converged);
        double[] g = new double[2];
        Assert.Equal(Rosenbrock(result.X.ToArray(), g), result.F);
    }

    [Fact]
    public void OptimalStartConvergesWithoutIterating()
    {
        var result = BoundedLbfgs.Minimize(Bowl([1.0, 2.0]), [1.0, 2.0]);

        Assert.Equal(BoundedLbfgsStopReason.ProjectedGradient, result.StopReason);
        Assert.Equal(0, result.Iterations);
        Assert.Equal(1, result.Evaluations);
    }

    [Fact]
    public void StopReasonsMatchTheirTests()
    {
        var fs = new List<double>();
        var loose = new BoundedLbfgsOptions { RelativeReductionFactor = 1e12, GradientTolerance = 0, OnIteration = it => fs.Add(it.F) };
        var byReduction = BoundedLbfgs.Minimize(Rosenbrock, [-1.2, 1.0], options: loose);

        Assert.Equal(BoundedLbfgsStopReason.RelativeReduction, byReduction.StopReason);
        Assert.Equal(byReduction.Iterations, fs.Count);
        double before = fs.Count > 1 ? fs[^2] : double.NaN;
        double reduction = (before - fs[^1]) / Math.Max(Math.Max(Math.Abs(before), Math.Abs(fs[^1])), 1.0);
        Assert.True(reduction <= 1e12 * 2.220446049250313e-16, $"relative reduction {reduction}");

        var byGradient = BoundedLbfgs.Minimize(Rosenbrock, [-1.2, 1.0], options: new BoundedLbfgsOptions { GradientTolerance = 1e-3, RelativeReductionFactor = 0 });
        Assert.Equal(BoundedLbfgsStopReason.ProjectedGradient, byGradient.StopReason);
        double[] g = GradientAt(Rosenbrock, byGradient.X);
        Assert.True(g.Max(Math.Abs) <= 1e-3, $"gradient {g[0]}, {g[1]}");
        Assert.Equal(g.Max(Math.Abs), byGradient.ProjectedGradientNorm);
    }

    [Fact]
    public void InconsistentGradientIsALineSearchFailure()
    {
        // The reported gradient points the wrong way, so no step along −g decreases f.
        var result = BoundedLbfgs.Minimize(
            (x, g) => { g[0] = -2.0 * x[0]; g[1] = -2.0 * x[1]; return (x[0] * x[0]) + (x[1] * x[1]); },
            [1.0, -2.0]);

        Assert.Equal(BoundedLbfgsStopReason.LineSearchFailure, result.StopReason);
        Assert.False(result.Converged);
        Assert.Equal([1.0, -2.0], result.X);
    }

    [Fact]
    public void CallbackSeesEveryIteration()
    {
        var seen = new List<BoundedLbfgsIteration>();
        var result = BoundedLbfgs.Minimize(Rosenbrock, [-1.2, 1.0], options: new BoundedLbfgsOptions { OnIteration = seen.Add });

        Assert.Equal(Enumerable.Range(1, result.Iterations), seen.Select(s => s.Iteration));
        Assert.Equal(result.F, seen[^1].F);
        Assert.Equal(result.X, seen[^1].X);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.Second.F <= p.First.F && p.Second.Evaluations > p.First.Evaluations));
    }
}
