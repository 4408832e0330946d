using System.Reactive.Subjects;
using static TorchSharp.torch;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// Markov chain Monte Carlo over a potential energy the user writes, not a model (Pyro's
/// <c>NUTS(potential_fn=…)</c> with <c>MCMC(initial_params=…)</c>): the same kernels, warm-up, chains and
/// diagnostics as <see cref="Mcmc{TArgs}"/>, on an unconstrained position of length D.
/// </summary>
/// <remarks>
/// The potential is U(q) = −log density(q) up to a constant, with its gradient; any change of variables is
/// the caller's, so the draws are the positions themselves. With several chains and
/// <see cref="McmcOptions.Parallel"/> the potential is called from several threads at once; set
/// <c>Parallel = false</c> if it is not safe for that. <see cref="McmcOptions.Init"/> is for models and is refused
/// here: the chains start where <see cref="Run"/> is told.
/// </remarks>
/// <example><code>
/// // a standard normal in two dimensions
/// var mcmc = new PotentialMcmc(q => (0.5 * ((q[0] * q[0]) + (q[1] * q[1])), [q[0], q[1]]), new McmcOptions { Chains = 2 });
/// using var result = mcmc.Run([0.5, -0.5]);
/// Console.WriteLine(result.Summary());
/// </code></example>
public sealed class PotentialMcmc
{
    /// <summary>The name of the one site of the result: the positions, [chains, draws, D].</summary>
    public const string Site = "q";

    private readonly PotentialFunction _potential;
    private readonly Func<HamiltonianKernel> _kernel;
    private readonly ISubject<McmcProgress> _progress = ChainSampler.NewProgress();

    /// <summary>A sampler of exp(−<paramref name="potential"/>).</summary>
    /// <param name="potential">U(q) and ∇U(q); +∞ where the density vanishes.</param>
    /// <param name="options">Counts, chains, seed, adaptation; <see cref="McmcOptions.Init"/> must be null.</param>
    /// <param name="kernel">Makes each chain's kernel; NUTS when null.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> sets an init strategy.</exception>
    public PotentialMcmc(PotentialFunction potential, McmcOptions? options = null, Func<HamiltonianKernel>? kernel = null)
    {
        ArgumentNullException.ThrowIfNull(potential);
        Options = options ?? new McmcOptions();
        Options.Validate();
        if (Options.Init is not null)
        {
            throw new ArgumentException("PotentialMcmc: McmcOptions.Init chooses a model's initial values; a potential's chains start at the positions given to Run. Leave Init null.", nameof(options));
        }

        _potential = potential;
        _kernel = kernel ?? (() => new Nuts());
    }

    /// <summary>The options.</summary>
    public McmcOptions Options { get; }

    /// <summary>Every iteration of every chain as it completes (from the chains' threads).</summary>
    public IObservable<McmcProgress> Progress => _progress;

    /// <summary>Runs every chain and returns the draws under <see cref="Site"/>, float64 on the CPU.</summary>
    /// <param name="initialPositions">One position for all chains, or one per chain; each of the same length D ≥ 1, finite.</param>
    /// <exception cref="ArgumentException">The positions are of another count, of different or zero lengths, or not finite.</exception>
    /// <exception cref="InvalidOperationException">The potential or its gradient is not finite at an initial position.</exception>
    public McmcResult Run(params double[][] initialPositions)
    {
        var starts = Starts(initialPositions);
        var (groups, perGroup) = ChainSampler.Groups(Options);
        BatchPotentialFunction batch = Batches.Of(_potential);
        var runs = new ChainDraws[groups][];
        ChainSampler.ForEachGroup(Options, groups, g => runs[g] = ChainSampler.Sample(
            Options, _kernel, batch, starts[(g * perGroup)..((g + 1) * perGroup)], g * perGroup, ChainSampler.Seeds(Options, g, perGroup), _progress, "start the chain elsewhere"));
        var chains = runs.SelectMany(r => r).ToArray();
        int dimension = starts[0].Length;
        var flat = ChainSampler.Flatten(chains);
        using var scope = NewDisposeScope();
        var positions = tensor(flat, dtype: ScalarType.Float64).reshape(chains.Length, Options.Samples, dimension);
        var samples = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [Site] = positions.clone().DetachFromDisposeScope() };
        positions.DetachFromDisposeScope();
        return ChainSampler.Result(chains, samples, positions);
    }

    private double[][] Starts(double[][] initialPositions)
    {
        ArgumentNullException.ThrowIfNull(initialPositions);
        if (initialPositions.Length != 1 && initialPositions.Length != Options.Chains)
        {
            throw new ArgumentException($"PotentialMcmc.Run: {initialPositions.Length} initial positions for {Options.Chains} chains; give one position for all chains or one per chain.", nameof(initialPositions));
        }

        int dimension = initialPositions[0]?.Length ?? 0;
        for (int c = 0; c < initialPositions.Length; c++)
        {
            var q = initialPositions[c];
            if (q is null || q.Length == 0 || q.Length != dimension)
            {
                throw new ArgumentException($"PotentialMcmc.Run: initial position {c} has length {q?.Length ?? 0}, the first has {dimension}; every position needs the same length D ≥ 1.", nameof(initialPositions));
            }

            int bad = Array.FindIndex(q, v => !double.IsFinite(v));
            if (bad >= 0)
            {
                throw new ArgumentException($"PotentialMcmc.Run: initial position {c} has {q[bad]} at element {bad}; positions must be finite.", nameof(initialPositions));
            }
        }

        // each chain gets its own copy: the sampler keeps the arrays it is given as draws
        return [.. Enumerable.Range(0, Options.Chains).Select(c => (double[])initialPositions[initialPositions.Length == 1 ? 0 : c].Clone())];
    }
}
