using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>
/// A joint guide with a diagonal Normal over the packed unconstrained latent (Pyro's
/// <c>AutoDiagonalNormal</c>): parameters <c>{Prefix}.loc</c> and positive <c>{Prefix}.scale</c>,
/// both of length <see cref="AutoContinuous{TArgs}.LatentDim"/>.
/// </summary>
/// <typeparam name="TArgs">The model's argument.</typeparam>
public class AutoDiagonalNormal<TArgs> : AutoContinuous<TArgs>
{
    /// <summary>An AutoDiagonalNormal guide for <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="prefix">Parameter name prefix; <c>AutoDiagonalNormal</c> when null.</param>
    /// <param name="init">Initial locations; <see cref="InitStrategies.ToMedian"/> when null.</param>
    /// <param name="initScale">Initial scale of every coordinate (Pyro's 0.1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initScale"/> is not positive.</exception>
    public AutoDiagonalNormal(Func<TArgs, object?> model, string? prefix = null, InitStrategy? init = null, double initScale = 0.1)
        : base(model, prefix, init)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initScale);
        InitScale = initScale;
    }

    /// <summary>The initial scale of every coordinate.</summary>
    public double InitScale { get; }

    /// <inheritdoc />
    protected override bool ScoresEntriesIndependently => true;

    /// <inheritdoc />
    protected override Distribution Posterior()
    {
        var loc = Param($"{Prefix}.loc", InitialLoc, eventDim: 1);
        var scale = Param($"{Prefix}.scale", () => full_like(InitialLoc(), InitScale), Constraints.Positive, 1);
        var entries = new Normal(loc, scale);
        return (PackedMask() is { } mask ? entries.Mask(mask) : entries).ToEvent(1);
    }
}
