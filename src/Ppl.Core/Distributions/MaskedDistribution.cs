using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// <see cref="WrappedDistribution.Base"/> with log-probabilities set to zero where a boolean mask is false (Pyro's
/// <c>MaskedDistribution</c>, made by <c>Mask(mask)</c>). Sampling is unchanged.
/// </summary>
public sealed class MaskedDistribution : WrappedDistribution
{
    /// <summary>Masks <paramref name="baseDistribution"/> with <paramref name="mask"/> (broadcastable to its batch shape).</summary>
    /// <exception cref="ArgumentException">The mask does not broadcast to the batch shape.</exception>
    public MaskedDistribution(Distribution baseDistribution, Tensor mask)
        : base(baseDistribution, ShapeUtil.Broadcast(Checked(baseDistribution).BatchShape, Checked(mask).Shape()), baseDistribution.EventShape)
    {
        if (!ShapeUtil.SameShape(BatchShape, baseDistribution.BatchShape))
        {
            throw new ArgumentException(
                $"Mask of shape {ShapeUtil.Format(mask.Shape())} does not broadcast to batch shape {ShapeUtil.Format(baseDistribution.BatchShape)} of {baseDistribution}.",
                nameof(mask));
        }

        MaskTensor = mask.to(ScalarType.Bool);
    }

    /// <summary>True where log-probabilities count.</summary>
    public Tensor MaskTensor { get; }

    /// <inheritdoc />
    public override Tensor Mean => Base.Mean;

    /// <inheritdoc />
    public override Tensor Variance => Base.Variance;

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => new MaskedDistribution(Base.Expand(batchShape), MaskTensor);

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape) => Base.SampleCore(generator, sampleShape);

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var lp = Base.LogProbCore(value);
        return lp.masked_fill(MaskTensor.bitwise_not(), 0.0);
    }

    /// <inheritdoc />
    protected override void ValidateSample(Tensor value)
    {
        // values outside the base support are allowed where masked; the base checks unmasked use
    }

    /// <inheritdoc />
    public override string ToString() => $"Masked({Base})";

    private static T Checked<T>(T value)
        where T : class => value ?? throw new ArgumentNullException(nameof(value));
}
