using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>
/// A joint guide with a full-covariance Normal over the packed unconstrained latent (Pyro's
/// <c>AutoMultivariateNormal</c>): location <c>{Prefix}.loc</c> and lower Cholesky factor
/// <c>{Prefix}.scale_tril</c>, initially <c>initScale·I</c>; it captures posterior correlations.
/// </summary>
/// <typeparam name="TArgs">The model's argument.</typeparam>
public class AutoMultivariateNormal<TArgs> : AutoContinuous<TArgs>
{
    /// <summary>An AutoMultivariateNormal guide for <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="prefix">Parameter name prefix; <c>AutoMultivariateNormal</c> when null.</param>
    /// <param name="init">Initial locations; <see cref="InitStrategies.ToMedian"/> when null.</param>
    /// <param name="initScale">The initial Cholesky factor is this times the identity (Pyro's 0.1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initScale"/> is not positive.</exception>
    public AutoMultivariateNormal(Func<TArgs, object?> model, string? prefix = null, InitStrategy? init = null, double initScale = 0.1)
        : base(model, prefix, init)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initScale);
        InitScale = initScale;
    }

    /// <summary>The initial scale of every coordinate.</summary>
    public double InitScale { get; }

    /// <inheritdoc />
    protected override Distribution Posterior()
    {
        var loc = Param($"{Prefix}.loc", InitialLoc, eventDim: 1);
        var tril = Param($"{Prefix}.scale_tril", () => InitialTril(loc), Constraints.LowerCholesky, 2);
        return MultivariateNormal.FromScaleTril(loc, tril);
    }

    private Tensor InitialTril(Tensor loc)
    {
        long d = loc.Shape()[^1];
        return eye(d, dtype: loc.dtype, device: loc.device).mul(InitScale);
    }
}
