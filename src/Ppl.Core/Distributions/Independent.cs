using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// Reinterprets the rightmost batch dimensions of <see cref="WrappedDistribution.Base"/> as event dimensions, so
/// their log-probabilities are summed (Pyro's <c>Independent</c>, made by <c>ToEvent(n)</c>).
/// </summary>
public sealed class Independent : WrappedDistribution
{
    /// <summary>Wraps <paramref name="baseDistribution"/>, moving <paramref name="reinterpretedBatchDims"/> batch dims to the event.</summary>
    /// <exception cref="ArgumentException">The base has fewer batch dims than asked for.</exception>
    public Independent(Distribution baseDistribution, int reinterpretedBatchDims)
        : base(baseDistribution, Split(baseDistribution, reinterpretedBatchDims).Batch, Split(baseDistribution, reinterpretedBatchDims).Event)
    {
        ReinterpretedBatchDims = reinterpretedBatchDims;
    }

    /// <summary>How many of the base's batch dims became event dims.</summary>
    public int ReinterpretedBatchDims { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.Independent(Base.Support, ReinterpretedBatchDims);

    /// <inheritdoc />
    public override Tensor Mean => Base.Mean;

    /// <inheritdoc />
    public override Tensor Variance => Base.Variance;

    /// <inheritdoc />
    public override Tensor Entropy() => TensorUtil.SumRightmost(Base.Entropy(), ReinterpretedBatchDims);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        new Independent(Base.Expand([.. batchShape, .. Base.BatchShape[^ReinterpretedBatchDims..]]), ReinterpretedBatchDims);

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape) => Base.SampleCore(generator, sampleShape);

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value) =>
        TensorUtil.SumRightmost(Base.LogProbCore(value), ReinterpretedBatchDims);

    /// <inheritdoc />
    internal override (Tensor Value, DrawNoise? Noise) SampleWithNoise(Generator? generator, long[] sampleShape) =>
        Base.SampleWithNoise(generator, sampleShape);

    /// <inheritdoc />
    internal override Tensor? LogProbFromNoise(Tensor value, DrawNoise noise) =>
        Base.LogProbFromNoise(value, noise) is { } logProb ? TensorUtil.SumRightmost(logProb, ReinterpretedBatchDims) : null;

    /// <inheritdoc />
    protected override void ValidateSample(Tensor value)
    {
        if (ValidationEnabled)
        {
            Base.ValidateValue(value); // the base validates its own support
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Independent({Base}, {ReinterpretedBatchDims})";

    private static (long[] Batch, long[] Event) Split(Distribution d, int n)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (n < 0 || n > d.BatchShape.Length)
        {
            throw new ArgumentException(
                $"ToEvent({n}): {d} has only {d.BatchShape.Length} batch dims (batch shape {ShapeUtil.Format(d.BatchShape)}).", nameof(n));
        }

        int keep = d.BatchShape.Length - n;
        return (d.BatchShape[..keep], [.. d.BatchShape[keep..], .. d.EventShape]);
    }
}
