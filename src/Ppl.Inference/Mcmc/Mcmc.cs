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
        var chains = new ChainRun[Options.Chains];
        try
        {
            if (Options.Parallel && Options.Chains > 1)
            {
                var threads = Enumerable.Range(0, Options.Chains)
                    .Select(c => Task.Factory.StartNew(() => chains[c] = RunChain(args, c), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
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
                for (int c = 0; c < Options.Chains; c++)
                {
                    chains[c] = RunChain(args, c);
                }
            }

            return Collect(chains);
        }
        finally
        {
            foreach (var chain in chains.Where(c => c is not null))
            {
                chain.Potential.Dispose();
            }
        }
    }

    private static McmcResult Collect(ChainRun[] chains)
    {
        var potential = chains[0].Potential;
        var like = potential.InitialPosition;
        int draws = chains[0].Positions.Length;
        var flat = chains.SelectMany(c => c.Positions).SelectMany(p => p).ToArray();
        using var scope = NewDisposeScope();
        var positions = tensor(flat, dtype: ScalarType.Float64).reshape(chains.Length, draws, potential.Dimension).to(like.dtype, like.device);
        var samples = potential.Constrain(positions)
            .ToDictionary(p => p.Key, p => p.Value.detach().contiguous().DetachFromDisposeScope(), StringComparer.Ordinal);
        positions.DetachFromDisposeScope();
        return new McmcResult(samples, positions, [.. chains.Select(c => c.Warmup)], [.. chains.Select(c => c.Sampling)], [.. chains.Select(c => c.StepSize)], [.. chains.Select(c => c.Metric)]);
    }

    private ChainRun RunChain(TArgs args, int chain)
    {
        long seed = unchecked((Options.Seed * 1_000_003) + chain);
        var potential = new ModelPotential<TArgs>(_model, args, Options.Init, seed);
        try
        {
            return new ChainRun(potential, Sample(potential, chain, seed));
        }
        catch
        {
            potential.Dispose();
            throw;
        }
    }

    private ChainDraws Sample(ModelPotential<TArgs> potential, int chain, long seed)
    {
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        PotentialFunction function = potential.EnergyAndGradient;
        var kernel = _kernel();
        kernel.Metric = MassMatrix.Identity(checked((int)potential.Dimension), Options.DenseMetric);
        kernel.StepSize = Options.InitialStepSize;
        var current = Start(potential, function); // validated, whatever ValidateEveryStep says
        using var validation = Distribution.ValidationOnThisThread(Options.ValidateEveryStep && Distribution.ValidationEnabled);
        int total = Options.Warmup + Options.Samples;
        var adapter = new WarmupAdapter(Options, checked((int)potential.Dimension));
        adapter.Start(kernel, current, function, random);
        var warmup = new TransitionStats[Options.Warmup];
        var sampling = new TransitionStats[Options.Samples];
        var positions = new double[Options.Samples][];
        int divergences = 0;
        for (int i = 0; i < total; i++)
        {
            bool isWarmup = i < Options.Warmup;
            (current, var stats) = kernel.Transition(current, function, random);
            if (isWarmup)
            {
                warmup[i] = stats;
                adapter.After(i, stats, kernel, current, function, random);
            }
            else
            {
                sampling[i - Options.Warmup] = stats;
                positions[i - Options.Warmup] = current.Position;
            }

            divergences = i == Options.Warmup ? (stats.Divergent ? 1 : 0) : divergences + (stats.Divergent ? 1 : 0);
            _progress.OnNext(new McmcProgress(chain, i, total, isWarmup, stats.StepSize, stats.AcceptanceStatistic, stats.TreeDepth, divergences));
        }

        return new ChainDraws(positions, warmup, sampling, kernel.StepSize, kernel.Metric.Inverse);
    }

    private static PhasePoint Start(ModelPotential<TArgs> potential, PotentialFunction function)
    {
        using var scope = NewDisposeScope();
        var q = potential.InitialPosition.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        var (energy, gradient) = function(q);
        if (double.IsInfinity(energy) || double.IsNaN(energy) || gradient.Any(g => !double.IsFinite(g)))
        {
            throw new InvalidOperationException($"MCMC: the model's log-density or its gradient is not finite at the initial position (U = {energy}); choose another init strategy (McmcOptions.Init).");
        }

        return new PhasePoint(q, q, energy, gradient);
    }

    private sealed record ChainDraws(double[][] Positions, TransitionStats[] Warmup, TransitionStats[] Sampling, double StepSize, double[] Metric);

    private sealed record ChainRun(ModelPotential<TArgs> Potential, ChainDraws Draws)
    {
        public double[][] Positions => Draws.Positions;

        public TransitionStats[] Warmup => Draws.Warmup;

        public TransitionStats[] Sampling => Draws.Sampling;

        public double StepSize => Draws.StepSize;

        public double[] Metric => Draws.Metric;
    }
}
