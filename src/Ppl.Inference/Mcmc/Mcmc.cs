using System.Reactive.Subjects;
using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// Markov chain Monte Carlo over a model's continuous latents (Pyro's <c>MCMC</c>): each chain starts
/// from <see cref="McmcOptions.Init"/>, warms up (step size by dual averaging, metric in Stan's windows),
/// then keeps <see cref="McmcOptions.Samples"/> draws of a Hamiltonian kernel (<see cref="Nuts"/> by default).
/// </summary>
/// <example><code>
/// var mcmc = new Mcmc&lt;Tensor&gt;(Model, new McmcOptions { Warmup = 500, Samples = 500, Chains = 4 });
/// using var result = mcmc.Run(data);
/// Console.WriteLine(result.Summary());
/// </code></example>
/// <typeparam name="TArgs">The model's argument.</typeparam>
public sealed class Mcmc<TArgs>
{
    private readonly Func<TArgs, object?> _model;
    private readonly Func<HamiltonianKernel> _kernel;
    private readonly ISubject<McmcProgress> _progress = Subject.Synchronize(new Subject<McmcProgress>());

    /// <summary>A sampler of <paramref name="model"/>'s posterior.</summary>
    /// <param name="model">The model; observed sites are the data.</param>
    /// <param name="options">Counts, chains, seed, adaptation.</param>
    /// <param name="kernel">Makes each chain's kernel (its settings, e.g. <c>() =&gt; new Nuts { MaxTreeDepth = 8 }</c>); NUTS when null.</param>
    public Mcmc(Func<TArgs, object?> model, McmcOptions? options = null, Func<HamiltonianKernel>? kernel = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        Options = options ?? new McmcOptions();
        Options.Validate();
        _kernel = kernel ?? (() => new Nuts());
    }

    /// <summary>The options.</summary>
    public McmcOptions Options { get; }

    /// <summary>Every iteration of every chain as it completes (from the chains' threads).</summary>
    public IObservable<McmcProgress> Progress => _progress;

    /// <summary>Runs every chain on <paramref name="args"/> and returns the draws.</summary>
    /// <exception cref="NotSupportedException">The model has a discrete, masked or subsampled latent.</exception>
    /// <exception cref="InvalidOperationException">The model has no continuous latent, or its density is zero at the initial position.</exception>
    public McmcResult Run(TArgs args)
    {
        // a group of chains shares one potential and moves in lockstep: all chains when vectorized, else one per group
        int groups = Options.Vectorized ? 1 : Options.Chains;
        int perGroup = Options.Vectorized ? Options.Chains : 1;
        var runs = new GroupRun[groups];
        try
        {
            if (groups > 1 && Options.Parallel)
            {
                // libtorch's intra-op thread count belongs to each thread: the chains' threads take the caller's
                int intraOpThreads = get_num_threads();
                var threads = Enumerable.Range(0, groups)
                    .Select(g => Task.Factory.StartNew(
                        () =>
                        {
                            set_num_threads(intraOpThreads);
                            runs[g] = RunGroup(args, g, perGroup);
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
                    runs[g] = RunGroup(args, g, perGroup);
                }
            }

            return Collect(runs);
        }
        finally
        {
            foreach (var run in runs.Where(r => r is not null))
            {
                run.Potential.Dispose();
            }
        }
    }

    private static McmcResult Collect(GroupRun[] runs)
    {
        var potential = runs[0].Potential;
        var like = potential.InitialPosition;
        var chains = runs.SelectMany(r => r.Chains).ToArray();
        int draws = chains[0].Positions.Length;
        var flat = chains.SelectMany(c => c.Positions).SelectMany(p => p).ToArray();
        using var scope = NewDisposeScope();
        var positions = HostTensors.FromDoubles(flat, like.dtype, like.device).reshape(chains.Length, draws, potential.Dimension);
        var samples = potential.Constrain(positions)
            .ToDictionary(p => p.Key, p => p.Value.detach().contiguous().DetachFromDisposeScope(), StringComparer.Ordinal);
        positions.DetachFromDisposeScope();
        return new McmcResult(samples, positions, [.. chains.Select(c => c.Warmup)], [.. chains.Select(c => c.Sampling)], [.. chains.Select(c => c.StepSize)], [.. chains.Select(c => c.Metric)]);
    }

    /// <summary>Chains <paramref name="group"/>·<paramref name="size"/> … of one potential, warmed up and sampled together.</summary>
    private GroupRun RunGroup(TArgs args, int group, int size)
    {
        int first = group * size;
        var seeds = Enumerable.Range(first, size).Select(c => unchecked((Options.Seed * 1_000_003) + c)).ToArray();
        var potential = new ModelPotential<TArgs>(_model, args, Options.Init, seeds[0], size);
        try
        {
            return new GroupRun(potential, Sample(potential, first, seeds));
        }
        catch
        {
            potential.Dispose();
            throw;
        }
    }

    private ChainDraws[] Sample(ModelPotential<TArgs> potential, int firstChain, long[] seeds)
    {
        int chains = seeds.Length;
        int dimension = checked((int)potential.Dimension);
        var randoms = seeds.Select(seed => new Random(unchecked((int)(seed ^ (seed >> 32))))).ToArray();
        BatchPotentialFunction batch = potential.EnergyAndGradient;
        var kernels = new HamiltonianKernel[chains];
        for (int c = 0; c < chains; c++)
        {
            kernels[c] = _kernel();
            kernels[c].Metric = MassMatrix.Identity(dimension, Options.DenseMetric);
            kernels[c].StepSize = Options.InitialStepSize;
        }

        var current = Start(potential, batch); // validated, whatever ValidateEveryStep says
        using var validation = Distribution.ValidationOnThisThread(Options.ValidateEveryStep && Distribution.ValidationEnabled);
        var adapters = new WarmupAdapter[chains];
        for (int c = 0; c < chains; c++)
        {
            adapters[c] = new WarmupAdapter(Options, dimension);
            adapters[c].Start(kernels[c], current[c], OneChain(batch, c, current), randoms[c]);
        }

        int total = Options.Warmup + Options.Samples;
        var warmup = Enumerable.Range(0, chains).Select(_ => new TransitionStats[Options.Warmup]).ToArray();
        var sampling = Enumerable.Range(0, chains).Select(_ => new TransitionStats[Options.Samples]).ToArray();
        var positions = Enumerable.Range(0, chains).Select(_ => new double[Options.Samples][]).ToArray();
        var divergences = new int[chains];
        for (int i = 0; i < total; i++)
        {
            bool isWarmup = i < Options.Warmup;
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
                    sampling[c][i - Options.Warmup] = stats[c];
                    positions[c][i - Options.Warmup] = current[c].Position;
                }

                divergences[c] = (i == Options.Warmup ? 0 : divergences[c]) + (stats[c].Divergent ? 1 : 0);
                _progress.OnNext(new McmcProgress(firstChain + c, i, total, isWarmup, stats[c].StepSize, stats[c].AcceptanceStatistic, stats[c].TreeDepth, divergences[c]));
            }
        }

        return [.. Enumerable.Range(0, chains).Select(c => new ChainDraws(positions[c], warmup[c], sampling[c], kernels[c].StepSize, kernels[c].Metric.Inverse))];
    }

    /// <summary>Chain <paramref name="chain"/>'s potential, the group's other chains held where they are (step-size search moves one chain).</summary>
    private static PotentialFunction OneChain(BatchPotentialFunction batch, int chain, PhasePoint[] current) =>
        Batches.Chain(batch, chain, [.. current.Select(p => p.Position)]);

    private static PhasePoint[] Start(ModelPotential<TArgs> potential, BatchPotentialFunction batch)
    {
        double[] flat;
        using (NewDisposeScope())
        {
            flat = HostTensors.ToDoubles(potential.InitialPosition); // [chains, D] row-major
        }

        int d = (int)potential.Dimension;
        var q = Enumerable.Range(0, potential.Chains).Select(c => flat.AsSpan(c * d, d).ToArray()).ToArray();
        var (energies, gradients) = batch(q);
        for (int c = 0; c < q.Length; c++)
        {
            if (!double.IsFinite(energies[c]) || gradients[c].Any(g => !double.IsFinite(g)))
            {
                throw new InvalidOperationException($"MCMC: the model's log-density or its gradient is not finite at the initial position (U = {energies[c]}); choose another init strategy (McmcOptions.Init).");
            }
        }

        return [.. q.Select((p, c) => new PhasePoint(p, p, energies[c], gradients[c]))];
    }

    private sealed record ChainDraws(double[][] Positions, TransitionStats[] Warmup, TransitionStats[] Sampling, double StepSize, double[] Metric);

    private sealed record GroupRun(ModelPotential<TArgs> Potential, ChainDraws[] Chains);
}
