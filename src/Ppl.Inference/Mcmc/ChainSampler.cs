using System.Reactive.Subjects;
using Ppl.Distributions;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// Warm-up and sampling of a group of chains that share one potential and move in lockstep, whatever
/// the potential is made from (a model through <see cref="ModelPotential{TArgs}"/>, or a user's function
/// through <see cref="PotentialMcmc"/>).
/// </summary>
internal static class ChainSampler
{
    /// <summary>Runs chains <paramref name="firstChain"/> … from <paramref name="starts"/> (one position each), seeded by <paramref name="seeds"/>.</summary>
    /// <param name="options">Counts and adaptation.</param>
    /// <param name="kernel">Makes each chain's kernel.</param>
    /// <param name="batch">The group's potential.</param>
    /// <param name="starts">Each chain's initial unconstrained position.</param>
    /// <param name="firstChain">The first chain's number, for progress.</param>
    /// <param name="seeds">Each chain's seed.</param>
    /// <param name="progress">Receives every iteration of every chain.</param>
    /// <param name="whatToChange">What the user changes when the density is not finite at a start.</param>
    public static ChainDraws[] Sample(McmcOptions options, Func<HamiltonianKernel> kernel, BatchPotentialFunction batch, double[][] starts, int firstChain, long[] seeds, IObserver<McmcProgress> progress, string whatToChange)
    {
        int chains = seeds.Length;
        int dimension = starts[0].Length;
        var randoms = seeds.Select(seed => new Random(unchecked((int)(seed ^ (seed >> 32))))).ToArray();
        var kernels = new HamiltonianKernel[chains];
        for (int c = 0; c < chains; c++)
        {
            kernels[c] = kernel();
            kernels[c].Metric = MassMatrix.Identity(dimension, options.DenseMetric);
            kernels[c].StepSize = options.InitialStepSize;
        }

        var current = Start(batch, starts, whatToChange); // validated, whatever ValidateEveryStep says
        using var validation = Distribution.ValidationOnThisThread(options.ValidateEveryStep && Distribution.ValidationEnabled);
        var adapters = new WarmupAdapter[chains];
        for (int c = 0; c < chains; c++)
        {
            adapters[c] = new WarmupAdapter(options, dimension);
            adapters[c].Start(kernels[c], current[c], OneChain(batch, c, current), randoms[c]);
        }

        int total = options.Warmup + options.Samples;
        var warmup = Enumerable.Range(0, chains).Select(_ => new TransitionStats[options.Warmup]).ToArray();
        var sampling = Enumerable.Range(0, chains).Select(_ => new TransitionStats[options.Samples]).ToArray();
        var positions = Enumerable.Range(0, chains).Select(_ => new double[options.Samples][]).ToArray();
        var divergences = new int[chains];
        for (int i = 0; i < total; i++)
        {
            bool isWarmup = i < options.Warmup;
            (current, var stats) = HamiltonianKernel.TransitionChains(kernels, current, batch, randoms);
            for (int c = 0; c < chains; c++)
            {
                if (isWarmup)
                {
                    warmup[c][i] = stats[c];
                    adapters[c].After(i, stats[c], kernels[c], current[c], OneChain(batch, c, current), randoms[c]);
                }
                else
                {
                    sampling[c][i - options.Warmup] = stats[c];
                    positions[c][i - options.Warmup] = current[c].Position;
                }

                divergences[c] = (i == options.Warmup ? 0 : divergences[c]) + (stats[c].Divergent ? 1 : 0);
                progress.OnNext(new McmcProgress(firstChain + c, i, total, isWarmup, stats[c].StepSize, stats[c].AcceptanceStatistic, stats[c].TreeDepth, divergences[c]));
            }
        }

        return [.. Enumerable.Range(0, chains).Select(c => new ChainDraws(positions[c], warmup[c], sampling[c], kernels[c].StepSize, kernels[c].Metric.Inverse))];
    }

    /// <summary>How many groups of chains share a potential, and how many chains each: one group of all chains when vectorized, else one chain per group.</summary>
    public static (int Groups, int PerGroup) Groups(McmcOptions options) =>
        options.Vectorized ? (1, options.Chains) : (options.Chains, 1);

    /// <summary>Runs <paramref name="runGroup"/> for every group: on threads of their own when there are several and <see cref="McmcOptions.Parallel"/>, else in turn.</summary>
    public static void ForEachGroup(McmcOptions options, int groups, Action<int> runGroup)
    {
        if (groups > 1 && options.Parallel)
        {
            // libtorch's intra-op thread count belongs to each thread: the chains' threads take the caller's
            int intraOpThreads = TorchSharp.torch.get_num_threads();
            var threads = Enumerable.Range(0, groups)
                .Select(g => Task.Factory.StartNew(
                    () =>
                    {
                        TorchSharp.torch.set_num_threads(intraOpThreads);
                        runGroup(g);
                    },
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default))
                .ToArray();
            try
            {
                Task.WaitAll(threads);
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
        }
        else
        {
            for (int g = 0; g < groups; g++)
            {
                runGroup(g);
            }
        }
    }

    /// <summary>Each chain's seed in group <paramref name="group"/> of <paramref name="size"/> chains.</summary>
    public static long[] Seeds(McmcOptions options, int group, int size) =>
        [.. Enumerable.Range(group * size, size).Select(c => unchecked((options.Seed * 1_000_003) + c))];

    /// <summary>Every chain's kept positions, chain after chain and draw after draw: [chains, draws, D] row-major.</summary>
    public static double[] Flatten(ChainDraws[] chains) => [.. chains.SelectMany(c => c.Positions).SelectMany(p => p)];

    /// <summary>The result of <paramref name="chains"/>, owning <paramref name="samples"/> and <paramref name="positions"/>.</summary>
    public static McmcResult Result(ChainDraws[] chains, Dictionary<string, TorchSharp.torch.Tensor> samples, TorchSharp.torch.Tensor positions) =>
        new(samples, positions, [.. chains.Select(c => c.Warmup)], [.. chains.Select(c => c.Sampling)], [.. chains.Select(c => c.StepSize)], [.. chains.Select(c => c.Metric)]);

    /// <summary>A synchronized progress stream, safe to feed from the chains' threads.</summary>
    public static ISubject<McmcProgress> NewProgress() => Subject.Synchronize(new Subject<McmcProgress>());

    /// <summary>Chain <paramref name="chain"/>'s potential, the group's other chains held where they are (step-size search moves one chain).</summary>
    private static PotentialFunction OneChain(BatchPotentialFunction batch, int chain, PhasePoint[] current) =>
        Batches.Chain(batch, chain, [.. current.Select(p => p.Position)]);

    private static PhasePoint[] Start(BatchPotentialFunction batch, double[][] q, string whatToChange)
    {
        var (energies, gradients) = batch(q);
        for (int c = 0; c < q.Length; c++)
        {
            if (!double.IsFinite(energies[c]) || gradients[c].Any(g => !double.IsFinite(g)))
            {
                throw new InvalidOperationException($"MCMC: the log-density or its gradient is not finite at chain {c}'s initial position (U = {energies[c]}); {whatToChange}.");
            }
        }

        return [.. q.Select((p, c) => new PhasePoint(p, p, energies[c], gradients[c]))];
    }
}
