using Ppl.Inference.Guides;

namespace Ppl.Inference.Mcmc;

/// <summary>How <see cref="Mcmc{TArgs}"/> runs: counts, chains, seed, adaptation and initialization.</summary>
public sealed record McmcOptions
{
    /// <summary>Warm-up iterations per chain (adaptation; discarded).</summary>
    public int Warmup { get; init; } = 500;

    /// <summary>Kept draws per chain.</summary>
    public int Samples { get; init; } = 500;

    /// <summary>The number of chains.</summary>
    public int Chains { get; init; } = 1;

    /// <summary>
    /// Run chains on separate threads (the default; each thread has its own handler stack); false runs
    /// them one after another. The draws are the same either way.
    /// </summary>
    public bool Parallel { get; init; } = true;

    /// <summary>
    /// Run all chains in one batched pass (NumPyro's <c>chain_method="vectorized"</c>): the model runs once
    /// per leapfrog step for every chain, inside a plate of the chains left of its own batch dims, so it must
    /// broadcast over an extra leading dim. Chains build their NUTS trees in lockstep; a step lasts as long as
    /// the longest tree. Overrides <see cref="Parallel"/>.
    /// </summary>
    public bool Vectorized { get; init; }

    /// <summary>The seed: chain c draws from generators seeded from (seed, c), so a run repeats bit for bit.</summary>
    public long Seed { get; init; }

    /// <summary>Adapt the step size by dual averaging during warm-up.</summary>
    public bool AdaptStepSize { get; init; } = true;

    /// <summary>Adapt the metric in Stan's windows during warm-up.</summary>
    public bool AdaptMetric { get; init; } = true;

    /// <summary>A dense metric (learns correlations; D² memory, D³ per window) instead of a diagonal one.</summary>
    public bool DenseMetric { get; init; }

    /// <summary>The acceptance statistic step-size adaptation targets (0.8; raise it towards 0.95 when there are divergences).</summary>
    public double TargetAcceptance { get; init; } = 0.8;

    /// <summary>The step size to start from (before Stan's heuristic refines it).</summary>
    public double InitialStepSize { get; init; } = 1;

    /// <summary>Where chains start, in constrained space; uniform on [−2, 2] in unconstrained space when null (Pyro's default), which spreads chains out for R̂.</summary>
    public InitStrategy? Init { get; init; }

    /// <summary>
    /// Validate distribution arguments and values at every gradient evaluation. Off by default: the model is
    /// validated on its first runs (the sites' discovery and the initial position), and afterwards an invalid
    /// density (a scale that underflowed to 0) gives +∞ energy, which the sampler rejects as a divergence, as
    /// Stan does; validation would otherwise cost about a third of each evaluation.
    /// </summary>
    public bool ValidateEveryStep { get; init; }

    /// <summary>Checks the counts.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count or the target is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(Samples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Chains, 1);
        if (!(TargetAcceptance > 0 && TargetAcceptance < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(TargetAcceptance), TargetAcceptance, "The target acceptance must lie strictly between 0 and 1.");
        }

        if (!(InitialStepSize > 0) || double.IsInfinity(InitialStepSize))
        {
            throw new ArgumentOutOfRangeException(nameof(InitialStepSize), InitialStepSize, "The initial step size must be positive and finite.");
        }
    }
}
