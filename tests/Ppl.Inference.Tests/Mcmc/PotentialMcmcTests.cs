using Ppl.Distributions;
using Ppl.Inference.Guides;
using Ppl.Inference.Mcmc;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Mcmc;

/// <summary>MCMC over a potential the user writes: the same sampler as over a model, seeded, and the errors a user meets.</summary>
public sealed class PotentialMcmcTests
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    [Fact]
    public void APotentialDrawsWhatTheEquivalentModelDraws()
    {
        // the model's potential is −log Normal(z; 0, 1) = z²/2 + log √(2π); started at the same point with the
        // same seed, the two runs take the same trajectories (up to the last bits of the energy's rounding)
        var options = new McmcOptions { Warmup = 50, Samples = 50, Chains = 2, Seed = 3 };
        using var start = tensor(0.5, dtype: ScalarType.Float64);
        object? Model(int unused) => Sample("z", new Normal(tensor(0.0, dtype: ScalarType.Float64), tensor(1.0, dtype: ScalarType.Float64)));
        var init = InitStrategies.ToValue(new Dictionary<string, Tensor> { ["z"] = start });
        using var fromModel = new Mcmc<int>(Model, options with { Init = init }).Run(0);
        using var fromPotential = new PotentialMcmc(q => ((0.5 * q[0] * q[0]) + HalfLog2Pi, [q[0]]), options).Run([0.5]);

        Assert.Equal([2L, 50L, 1L], fromPotential.Samples[PotentialMcmc.Site].shape);
        var model = fromModel.Positions.data<double>().ToArray();
        var potential = fromPotential.Samples[PotentialMcmc.Site].data<double>().ToArray();
        Assert.Equal(model.Length, potential.Length);
        for (int i = 0; i < model.Length; i++)
        {
            Assert.True(Math.Abs(model[i] - potential[i]) < 1e-9, $"draw {i}: model {model[i]}, potential {potential[i]}");
        }

        for (int c = 0; c < 2; c++)
        {
            Assert.True(Math.Abs(fromModel.StepSizes[c] - fromPotential.StepSizes[c]) < 1e-9 * fromModel.StepSizes[c], $"chain {c}'s step size: model {fromModel.StepSizes[c]}, potential {fromPotential.StepSizes[c]}");
        }

        Assert.True(fromPotential.Positions.equal(fromPotential.Samples[PotentialMcmc.Site]).all().item<bool>());
    }

    [Fact]
    public void ASeedRepeatsBitForBitWhetherChainsRunOnThreadsOrInTurn()
    {
        PotentialFunction banana = q => (
            (0.5 * q[0] * q[0]) + (2 * Math.Pow(q[1] - (q[0] * q[0]), 2)),
            [q[0] - (8 * q[0] * (q[1] - (q[0] * q[0]))), 4 * (q[1] - (q[0] * q[0]))]);
        var options = new McmcOptions { Warmup = 60, Samples = 40, Chains = 3, Seed = 7 };
        double[][] starts = [[0.1, 0.2], [-0.3, 0.1], [0.5, 0.4]];
        using var threaded = new PotentialMcmc(banana, options).Run(starts);
        using var inTurn = new PotentialMcmc(banana, options with { Parallel = false }).Run(starts);
        using var vectorized = new PotentialMcmc(banana, options with { Vectorized = true }).Run(starts);
        using var otherSeed = new PotentialMcmc(banana, options with { Seed = 8 }).Run(starts);
        Assert.True(threaded.Positions.equal(inTurn.Positions).all().item<bool>(), "threads changed the draws");
        Assert.False(threaded.Positions.equal(otherSeed.Positions).all().item<bool>(), "another seed gave the same draws");
        Assert.Equal([3L, 40L, 2L], vectorized.Positions.shape);
        Assert.Equal(ScalarType.Float64, threaded.Positions.dtype);
    }

    [Fact]
    public void TheStartsAreCheckedAndNamed()
    {
        PotentialFunction normal = q => (0.5 * q.Sum(v => v * v), q);
        var two = new PotentialMcmc(normal, new McmcOptions { Warmup = 5, Samples = 5, Chains = 2 });
        Assert.Contains("3 initial positions for 2 chains", Assert.Throws<ArgumentException>(() => two.Run([0.0], [1.0], [2.0])).Message);
        Assert.Contains("initial position 1 has length 2, the first has 1", Assert.Throws<ArgumentException>(() => two.Run([0.0], [1.0, 2.0])).Message);
        Assert.Contains("NaN at element 1", Assert.Throws<ArgumentException>(() => two.Run([0.0, double.NaN])).Message);
        Assert.Contains("D ≥ 1", Assert.Throws<ArgumentException>(() => two.Run(Array.Empty<double>())).Message);

        var halfLine = new PotentialMcmc(q => q[0] < 0 ? (double.PositiveInfinity, [0.0]) : (q[0], [1.0]), new McmcOptions { Warmup = 5, Samples = 5 });
        Assert.Contains("not finite at chain 0's initial position", Assert.Throws<InvalidOperationException>(() => halfLine.Run([-1.0])).Message);

        var init = new McmcOptions { Init = InitStrategies.ToMedian() };
        Assert.Contains("Leave Init null", Assert.Throws<ArgumentException>(() => new PotentialMcmc(normal, init)).Message);
    }

    [Fact]
    public void TheStartIsNotChangedByTheRun()
    {
        double[] start = [0.25, -0.25];
        using var result = new PotentialMcmc(q => (0.5 * q.Sum(v => v * v), q), new McmcOptions { Warmup = 10, Samples = 10 }).Run(start);
        Assert.Equal([0.25, -0.25], start);
    }
}
