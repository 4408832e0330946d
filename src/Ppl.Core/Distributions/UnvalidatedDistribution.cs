using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// <see cref="WrappedDistribution.Base"/> with the check of values against its support turned off
/// (Pyro's <c>validate_args=False</c> on one distribution), made by
/// <see cref="Distribution.Unvalidated"/>. Its use is a relaxed likelihood: a Bernoulli scoring
/// gray-level pixels in [0, 1] by their cross-entropy, as the VAE literature and Pyro's VAE examples
/// do. The density formula is applied to whatever it is given, so the result is only meaningful
/// where that formula is; parameters are still checked when the base is built.
/// </summary>
public sealed class UnvalidatedDistribution : WrappedDistribution
{
    /// <summary>Wraps <paramref name="baseDistribution"/>.</summary>
    public UnvalidatedDistribution(Distribution baseDistribution)
        : base(baseDistribution, baseDistribution?.BatchShape ?? throw new ArgumentNullException(nameof(baseDistribution)), baseDistribution.EventShape)
    {
    }

    /// <inheritdoc />
    public override Tensor Mean => Base.Mean;

    /// <inheritdoc />
    public override Tensor Variance => Base.Variance;

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => new UnvalidatedDistribution(Base.Expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape) => Base.SampleCore(generator, sampleShape);

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value) => Base.LogProbCore(value);

    /// <inheritdoc />
    protected override void ValidateSample(Tensor value)
    {
        // the point of this wrapper: values outside the support are scored by the base's formula
    }

    /// <inheritdoc />
    public override string ToString() => $"Unvalidated({Base})";
}
