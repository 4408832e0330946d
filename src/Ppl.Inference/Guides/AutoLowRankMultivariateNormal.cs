using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>
/// A joint guide with a low-rank-plus-diagonal Normal over the packed unconstrained latent
/// (Pyro's <c>AutoLowRankMultivariateNormal</c>): Σ = s·(W·Wᵀ + I)·s with location
/// <c>{Prefix}.loc</c>, factor W = <c>{Prefix}.cov_factor</c> (<c>[LatentDim, Rank]</c>, drawn
/// N(0, 1/rank) so W·Wᵀ starts near I) and positive <c>{Prefix}.scale</c> s, initially
/// initScale/√2 so the marginal scales start at initScale.
/// </summary>
/// <typeparam name="TArgs">The model's argument.</typeparam>
public class AutoLowRankMultivariateNormal<TArgs> : AutoContinuous<TArgs>
{
    /// <summary>An AutoLowRankMultivariateNormal guide for <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="rank">The rank of the covariance's low-rank part; √LatentDim rounded up when null.</param>
    /// <param name="prefix">Parameter name prefix; <c>AutoLowRankMultivariateNormal</c> when null.</param>
    /// <param name="init">Initial locations; <see cref="InitStrategies.ToMedian"/> when null.</param>
    /// <param name="initScale">The initial marginal scale (Pyro's 0.1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rank"/> or <paramref name="initScale"/> is not positive.</exception>
    public AutoLowRankMultivariateNormal(Func<TArgs, object?> model, int? rank = null, string? prefix = null, InitStrategy? init = null, double initScale = 0.1)
        : base(model, prefix, init)
    {
        if (rank is int r)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(r, nameof(rank));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initScale);
        RequestedRank = rank;
        InitScale = initScale;
    }

    /// <summary>The rank asked for; null for √LatentDim rounded up.</summary>
    public int? RequestedRank { get; }

    /// <summary>The initial marginal scale.</summary>
    public double InitScale { get; }

    /// <summary>The rank in use.</summary>
    public long Rank => RequestedRank ?? (long)Math.Ceiling(Math.Sqrt(LatentDim));

    /// <inheritdoc />
    protected override Distribution Posterior()
    {
        var loc = Param($"{Prefix}.loc", InitialLoc, eventDim: 1);
        long rank = Rank;
        var factor = Param($"{Prefix}.cov_factor", () => InitialFactor(loc, rank), eventDim: 2);
        var scale = Param($"{Prefix}.scale", () => full_like(loc, InitScale / Math.Sqrt(2.0)), Constraints.Positive, 1);
        return new LowRankMultivariateNormal(loc, factor.mul(scale.unsqueeze(-1)), scale.square());
    }

    /// <summary>A random factor, N(0, 1/rank) entries, drawn from the run's seed when it has one.</summary>
    private Tensor InitialFactor(Tensor loc, long rank)
    {
        using var generator = Ppl.Handlers.SeedMessenger.DerivedSeed($"{Prefix}.cov_factor") is long seed ? new Generator(unchecked((ulong)seed), loc.device) : null;
        return randn([loc.Shape()[^1], rank], dtype: loc.dtype, device: loc.device, generator: generator).div(Math.Sqrt(rank));
    }
}
