using System.Reactive.Subjects;
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
    private readonly ISubject<McmcProgress> _progress = ChainSampler.NewProgress();

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
        var (groups, perGroup) = ChainSampler.Groups(Options);
        var runs = new GroupRun[groups];
        try
        {
            ChainSampler.ForEachGroup(Options, groups, g => runs[g] = RunGroup(args, g, perGroup));
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
        var flat = ChainSampler.Flatten(chains);
        using var scope = NewDisposeScope();
        var positions = HostTensors.FromDoubles(flat, like.dtype, like.device).reshape(chains.Length, draws, potential.Dimension);
        var samples = potential.Constrain(positions)
            .ToDictionary(p => p.Key, p => p.Value.detach().contiguous().DetachFromDisposeScope(), StringComparer.Ordinal);
        positions.DetachFromDisposeScope();
        return ChainSampler.Result(chains, samples, positions);
    }

    /// <summary>Chains <paramref name="group"/>·<paramref name="size"/> … of one potential, warmed up and sampled together.</summary>
    private GroupRun RunGroup(TArgs args, int group, int size)
    {
        int first = group * size;
        var seeds = ChainSampler.Seeds(Options, group, size);
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
        double[] flat;
        using (NewDisposeScope())
        {
            flat = HostTensors.ToDoubles(potential.InitialPosition); // [chains, D] row-major
        }

        int d = checked((int)potential.Dimension);
        var starts = Enumerable.Range(0, potential.Chains).Select(c => flat.AsSpan(c * d, d).ToArray()).ToArray();
        return ChainSampler.Sample(Options, _kernel, potential.EnergyAndGradient, starts, firstChain, seeds, _progress, "choose another init strategy (McmcOptions.Init)");
    }

    private sealed record GroupRun(ModelPotential<TArgs> Potential, ChainDraws[] Chains);
}
