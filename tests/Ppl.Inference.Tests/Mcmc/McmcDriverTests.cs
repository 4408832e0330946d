using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Mcmc;
using static Ppl.Primitives;
using static Ppl.Testing.ConjugateModels.FourFamilies;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Mcmc;

/// <summary>The MCMC driver: reproducibility, chains on threads, errors a user meets, Stan's warm-up windows, HMC.</summary>
public sealed class McmcDriverTests
{
    [Fact]
    public void ASeedRepeatsBitForBitWhetherChainsRunOnThreadsOrInTurn()
    {
        using var x = tensor(NormalData);
        var options = new McmcOptions { Warmup = 60, Samples = 40, Chains = 3, Seed = 7 };
        using var threaded = new Mcmc<Tensor>(NormalModel, options).Run(x);
        using var again = new Mcmc<Tensor>(NormalModel, options).Run(x);
        using var inTurn = new Mcmc<Tensor>(NormalModel, options with { Parallel = false }).Run(x);
        using var otherSeed = new Mcmc<Tensor>(NormalModel, options with { Seed = 8 }).Run(x);
        Assert.True(threaded.Positions.equal(again.Positions).all().item<bool>(), "the same seed gave different draws");
        Assert.True(threaded.Positions.equal(inTurn.Positions).all().item<bool>(), "threads changed the draws");
        Assert.False(threaded.Positions.equal(otherSeed.Positions).all().item<bool>(), "another seed gave the same draws");
        Assert.Equal([3L, 40L], threaded.Samples["mu"].shape);
        Assert.False(threaded.Samples["mu"][0].equal(threaded.Samples["mu"][1]).all().item<bool>(), "two chains drew the same values");
    }

    [Fact]
    public void ProgressReportsEveryIterationOfEveryChain()
    {
        using var x = tensor(NormalData);
        var mcmc = new Mcmc<Tensor>(NormalModel, new McmcOptions { Warmup = 30, Samples = 20, Chains = 2, Seed = 1 });
        var seen = new System.Collections.Concurrent.ConcurrentBag<McmcProgress>();
        using (mcmc.Progress.Subscribe(seen.Add))
        {
            using var result = mcmc.Run(x);
            Assert.Equal(result.SampleStats.Sum(c => c.Count(s => s.Divergent)), seen.Where(p => p.Iteration == 49).Sum(p => p.Divergences));
        }

        Assert.Equal(100, seen.Count);
        foreach (int chain in new[] { 0, 1 })
        {
            var mine = seen.Where(p => p.Chain == chain).OrderBy(p => p.Iteration).ToList();
            Assert.Equal(Enumerable.Range(0, 50), mine.Select(p => p.Iteration));
            Assert.All(mine, p => Assert.Equal(p.Iteration < 30, p.IsWarmup));
            Assert.All(mine, p => Assert.True(p.StepSize > 0 && p.AcceptanceStatistic is >= 0 and <= 1 && p.Total == 50));
        }
    }

    [Fact]
    public void ADiscreteLatentIsRefusedByName()
    {
        static object? Model(Tensor data)
        {
            var k = Sample("component", Categorical.FromProbs(tensor(new[] { 0.5, 0.5 })));
            return Sample("y", new Normal(k.to_type(ScalarType.Float64), 1.0), obs: data);
        }

        using var y = tensor(0.3);
        var ex = Assert.Throws<NotSupportedException>(() => new Mcmc<Tensor>(Model, new McmcOptions { Warmup = 5, Samples = 5 }).Run(y));
        Assert.Contains("'component'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("discrete", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WarmupWindowsAreStans()
    {
        // Stan's windows for 1,000 warm-up iterations: 75–99, 100–149, 150–249, 250–449, 450–949
        Assert.Equal([(75, 100), (100, 150), (150, 250), (250, 450), (450, 950)], new WarmupSchedule(1000).Windows);
        Assert.Equal([(75, 100), (100, 150), (150, 250), (250, 450)], new WarmupSchedule(500).Windows);
        // too short for the defaults: 15 % / 75 % / 10 %
        Assert.Equal([(15, 90)], new WarmupSchedule(100).Windows);
        Assert.Empty(new WarmupSchedule(10).Windows);
    }

    [Fact]
    public void HmcWithAFixedTrajectoryDrawsTheGammaPoissonPosterior()
    {
        using var counts = tensor(Counts);
        using var result = new Mcmc<Tensor>(GammaModel, new McmcOptions { Warmup = 300, Samples = 1000, Chains = 2, Seed = 3 }, () => new Hmc { TrajectoryLength = 1.5 }).Run(counts);
        var (shape, rate) = GammaPosterior();
        var chains = Enumerable.Range(0, 2).Select(c => result.Samples["rate"][c].to_type(ScalarType.Float64).data<double>().ToArray()).ToList();
        double mean = chains.SelectMany(c => c).Average();
        double error = McmcDiagnostics.Mcse(chains);
        Assert.InRange(error, 0, 0.05);
        Assert.InRange(mean, (shape / rate) - (4 * error), (shape / rate) + (4 * error));
        Assert.True(result.SampleStats.SelectMany(s => s).All(s => s.TreeDepth == 0 && s.LeapfrogSteps >= 1));
        Assert.True(McmcDiagnostics.RHat(chains) < 1.01);
    }

    [Fact]
    public void PredictiveRunsTheModelAtThePosteriorDraws()
    {
        // x_new ~ N(mu, 1) at each posterior draw of mu: its mean is the draws' mean of mu, its variance 1 + Var(mu)
        using var x = tensor(NormalData);
        using var result = new Mcmc<Tensor>(NormalModel, new McmcOptions { Warmup = 300, Samples = 1000, Chains = 2, Seed = 6 }).Run(x);
        var posterior = result.PooledSamples();
        Func<Tensor, object?> model = NormalModel;
        var predictive = new Predictive<Tensor>(model.Uncondition(), posterior, parallel: true).Sample(x, seed: 1);
        var replicas = predictive["x"].to_type(ScalarType.Float64);
        Assert.Equal([2000L, (long)NormalData.Length], replicas.shape);
        var mu = posterior["mu"].to_type(ScalarType.Float64).flatten();
        // each draw's replicas scatter around that draw's mu by N(0, 1): their mean over 2,000 × 10 values is within 4 / √20,000 of mu's mean
        double gap = replicas.mean().item<double>() - mu.mean().item<double>();
        Assert.InRange(gap, -4 / Math.Sqrt(20_000), 4 / Math.Sqrt(20_000));
        double residualVariance = replicas.sub(mu.unsqueeze(1)).square().mean().item<double>();
        Assert.InRange(residualVariance, 0.95, 1.05);
    }

    [Fact]
    public void TheSummaryTableListsEveryElementWithItsDiagnostics()
    {
        using var x = tensor(NormalData);
        using var result = new Mcmc<Tensor>(NormalModel, new McmcOptions { Warmup = 100, Samples = 200, Chains = 2, Seed = 2 }).Run(x);
        var summary = result.Summary();
        string text = summary.ToString();
        foreach (string column in new[] { "mean", "sd", "5%", "50%", "95%", "ess_bulk", "ess_tail", "r_hat" })
        {
            Assert.Contains(column, text, StringComparison.Ordinal);
        }

        Assert.Contains("Number of divergences: 0", text, StringComparison.Ordinal);
        var draws = result.Samples["mu"].to_type(ScalarType.Float64).flatten().data<double>().ToArray();
        Assert.Equal(draws.Average(), summary.Get("mu", "mean")[0], 10);
    }
}
