using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Inference;
using static Ppl.Primitives;
using static Ppl.Tests.Inference.Enumeration.ExactSums;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Enumeration;

/// <summary>
/// <see cref="InferDiscrete"/> against brute force: the joint MAP of a 6-step, 3-state HMM against all
/// 729 paths; posterior draws of the same HMM against the exact path probabilities (chi-square); a
/// global discrete variable with local ones in a plate against all 162 configurations.
/// </summary>
public sealed class InferDiscreteTests
{
    private const int Steps = 6;
    private static readonly double[] Initial = [0.5, 0.3, 0.2];
    private static readonly double[,] Transition = { { 0.7, 0.2, 0.1 }, { 0.2, 0.6, 0.2 }, { 0.15, 0.15, 0.7 } };
    private static readonly double[] Means = [-1.0, 0.0, 1.0];
    private static readonly double[] Observed = [-0.9, -0.2, 0.4, 1.3, 0.1, -0.6];
    private const double NoiseScale = 0.7;

    [Fact]
    public void TemperatureZeroIsTheMostProbablePathOfAllSevenHundredTwentyNine()
    {
        using var scope = NewDisposeScope();
        var (trace, _) = InferDiscrete.Run(Hmm(draws: null).ConfigEnumerate(), 0, temperature: 0);

        var best = AllPaths().MaxBy(PathLogJoint)!;
        int[] found = [.. Enumerable.Range(0, Steps).Select(t => (int)trace[$"z_{t}"].Value!.item<long>())];
        Assert.Equal(best, found);
        Assert.Equal(Steps, trace.LatentSites.Count());
        Assert.All(trace.LatentSites, s => Assert.Empty(s.Value!.shape));
    }

    [Fact]
    public void TemperatureOneDrawsPathsWithTheirExactPosteriorProbabilities()
    {
        using var scope = NewDisposeScope();
        const int draws = 20_000;
        using var generator = new Generator(11);
        var (trace, _) = InferDiscrete.Run(Hmm(draws).ConfigEnumerate(), 0, temperature: 1, generator: generator);

        long[][] states = [.. Enumerable.Range(0, Steps).Select(t => trace[$"z_{t}"].Value!.data<long>().ToArray())];
        Assert.All(states, s => Assert.Equal(draws, s.Length));
        var counts = new Dictionary<int, int>();
        for (int n = 0; n < draws; n++)
        {
            int code = Enumerable.Range(0, Steps).Aggregate(0, (c, t) => (c * 3) + (int)states[t][n]);
            counts[code] = counts.GetValueOrDefault(code) + 1;
        }

        // exact posterior over paths; cells with fewer than 10 expected draws pooled into one
        var paths = AllPaths().ToList();
        double[] logJoint = [.. paths.Select(PathLogJoint)];
        double logEvidence = LogSumExp(logJoint);
        var expected = paths.Select((p, i) => (Code: p.Aggregate(0, (c, s) => (c * 3) + s), Expected: draws * Math.Exp(logJoint[i] - logEvidence))).ToList();
        double chiSquare = 0, pooledExpected = 0, pooledObserved = 0;
        int cells = 0;
        foreach (var (code, e) in expected)
        {
            if (e < 10)
            {
                pooledExpected += e;
                pooledObserved += counts.GetValueOrDefault(code);
                continue;
            }

            double o = counts.GetValueOrDefault(code);
            chiSquare += (o - e) * (o - e) / e;
            cells++;
        }

        chiSquare += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / pooledExpected;
        double critical = MathNet.Numerics.Distributions.ChiSquared.InvCDF(cells, 0.999);
        Assert.True(cells >= 20, $"only {cells} cells with 10 or more expected draws");
        Assert.True(chiSquare < critical, $"chi-square {chiSquare:F1} on {cells} degrees of freedom, critical value at 0.001: {critical:F1}");
    }

    [Fact]
    public void AGlobalVariableAndLocalOnesInAPlateTakeTheirJointMaximum()
    {
        using var scope = NewDisposeScope();
        double[,] means = { { -1.0, 0.0, 1.0 }, { -0.5, 0.5, 2.0 } };
        double[] x = [-0.8, 0.6, 1.9, 0.3];
        double[] global = [0.4, 0.6];
        double[] local = [0.3, 0.3, 0.4];

        object? Model(int unused)
        {
            var g = Sample("g", Categorical.FromProbs(tensor(global)));
            using var plate = Plate("points", x.Length);
            var y = Sample("y", Categorical.FromProbs(tensor(local)));
            var loc = tensor(means).flatten().index(g.mul(3).add(y));
            return Sample("x", new Normal(loc, tensor(0.5)), obs: tensor(x));
        }

        Func<int, object?> model = Model;
        var (trace, _) = InferDiscrete.Run(model.ConfigEnumerate(), 0, temperature: 0);

        (int G, int[] Y) best = (0, []);
        double bestLog = double.NegativeInfinity;
        for (int g = 0; g < 2; g++)
        {
            for (int code = 0; code < 81; code++)
            {
                int[] y = [.. Enumerable.Range(0, 4).Select(i => code / (int)Math.Pow(3, i) % 3)];
                double log = Math.Log(global[g]) + Enumerable.Range(0, 4).Sum(i => Math.Log(local[y[i]]) + NormalLogDensity(x[i], means[g, y[i]], 0.5));
                if (log > bestLog)
                {
                    (bestLog, best) = (log, (g, y));
                }
            }
        }

        Assert.Equal(best.G, (int)trace["g"].Value!.item<long>());
        Assert.Equal(best.Y.Select(v => (long)v), trace["y"].Value!.data<long>().ToArray());
    }

    [Fact]
    public void OtherTemperaturesAndUnenumeratedDependentLatentsAreRefused()
    {
        using var scope = NewDisposeScope();
        var model = Hmm(draws: null).ConfigEnumerate();
        Assert.Throws<ArgumentOutOfRangeException>(() => InferDiscrete.Run(model, 0, temperature: 0.5));

        object? Dependent(int unused)
        {
            var z = Sample("z", Categorical.FromProbs(tensor(new[] { 0.5, 0.5 })), infer: InferConfig.Default with { Enumerate = EnumerateMode.Parallel });
            return Sample("mu", new Normal(z.to_type(ScalarType.Float64), tensor(1.0)));
        }

        var e = Assert.Throws<NotSupportedException>(() => InferDiscrete.Run<int, object?>(Dependent, 0));
        Assert.Contains("'mu'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunsOnTheMetaDevice()
    {
        using var scope = NewDisposeScope();
        var meta = device("meta");

        object? Model(int unused)
        {
            using var plate = Plate("points", 5);
            var z = Sample("z", Categorical.FromLogits(zeros(3, float64, meta)));
            return Sample("x", new Normal(zeros(3, float64, meta).index(z), ones(1, float64, meta).squeeze()), obs: zeros(5, float64, meta));
        }

        Func<int, object?> model = Model;
        foreach (double temperature in new[] { 0.0, 1.0 })
        {
            var (trace, _) = InferDiscrete.Run(model.ConfigEnumerate(), 0, temperature, maxPlateNesting: 1);
            Assert.Equal([5L], trace["z"].Value!.shape);
            Assert.Equal(DeviceType.META, trace["z"].Value!.device_type);
        }
    }

    /// <summary>The HMM, optionally inside a plate of independent draws (at dim −1).</summary>
    private static Func<int, object?> Hmm(int? draws) => _ =>
    {
        if (draws is int n)
        {
            using var plate = Plate("draws", n);
            return Chain();
        }

        return Chain();
    };

    private static object? Chain()
    {
        Tensor? state = null;
        foreach (int t in Markov(Enumerable.Range(0, Steps)))
        {
            var probs = state is null ? tensor(Initial) : tensor(Transition).index(state);
            state = Sample($"z_{t}", Categorical.FromProbs(probs));
            Sample($"x_{t}", new Normal(tensor(Means).index(state), tensor(NoiseScale)), obs: tensor(Observed[t]));
        }

        return null;
    }

    private static IEnumerable<int[]> AllPaths() =>
        Enumerable.Range(0, 729).Select(code => Enumerable.Range(0, Steps).Select(t => code / (int)Math.Pow(3, Steps - 1 - t) % 3).ToArray());

    private static double PathLogJoint(int[] path) =>
        Math.Log(Initial[path[0]])
        + Enumerable.Range(1, Steps - 1).Sum(t => Math.Log(Transition[path[t - 1], path[t]]))
        + Enumerable.Range(0, Steps).Sum(t => NormalLogDensity(Observed[t], Means[path[t]], NoiseScale));
}
