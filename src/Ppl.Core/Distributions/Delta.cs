using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// A point mass at <see cref="V"/>; <see cref="LogDensity"/> is added to the log-probability of
/// that point (autoguides use it for the Jacobian of a transform). Reparameterized.
/// </summary>
public sealed class Delta : Distribution
{
    /// <summary>A point mass at <paramref name="v"/>, whose rightmost <paramref name="eventDim"/> dims form one event.</summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="eventDim"/> exceeds the value's rank, or validation is on and some entry of
    /// <paramref name="v"/> is NaN or some entry of <paramref name="logDensity"/> is NaN or +∞
    /// (−∞, a weight of 0, is allowed; so are infinite points).
    /// </exception>
    public Delta(Tensor v, Tensor? logDensity = null, int eventDim = 0)
        : this(v, logDensity, eventDim, validate: true)
    {
    }

    /// <summary>A point mass at the number <paramref name="v"/>, in torch's default floating dtype (<c>torch.get_default_dtype()</c>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and <paramref name="v"/> is NaN.</exception>
    public Delta(double v)
        : this(TensorUtil.Scalar(v))
    {
    }

    private Delta(Tensor v, Tensor? logDensity, int eventDim, bool validate)
        : base(SplitBatch(v, eventDim), v.Shape()[(v.Shape().Length - eventDim)..])
    {
        V = v;
        LogDensity = logDensity?.expand(BatchShape) ?? torch.zeros(BatchShape, dtype: v.dtype, device: v.device);
        if (validate)
        {
            RequireNotNaN(v, nameof(v));
            if (logDensity is not null)
            {
                RequireLogWeight(logDensity, nameof(logDensity));
            }
        }
    }

    /// <summary>The point.</summary>
    public Tensor V { get; }

    /// <summary>Log-density added at the point, shape <c>BatchShape</c>.</summary>
    public Tensor LogDensity { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.Real;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => V.device;

    /// <inheritdoc />
    public override ScalarType DType => V.dtype;

    /// <inheritdoc />
    public override Tensor Mean => V.alias();

    /// <inheritdoc />
    public override Tensor Variance => torch.zeros_like(V);

    /// <summary>Builds without re-checking parameters a validated instance already checked (for <see cref="ExpandCore"/> and other internal reuse); shapes must already broadcast.</summary>
    internal static Delta Trusted(Tensor v, Tensor logDensity, int eventDim) => new(v, logDensity, eventDim, validate: false);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        Trusted(V.expand([.. batchShape, .. EventShape]), LogDensity.expand(batchShape), EventShape.Length);

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape) => V.expand(ExtendedShape(sampleShape));

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var equal = value.eq(V);
        for (int i = 0; i < EventShape.Length; i++)
        {
            equal = equal.all(-1);
        }

        return equal.to(DType).log().add(LogDensity);
    }

    /// <inheritdoc />
    protected override void ValidateSample(Tensor value)
    {
        // every real value is admissible; a value off the point has log-probability −∞
    }

    /// <inheritdoc />
    public override string ToString() => $"Delta(v: {ShapeUtil.Format(V.Shape())}, event_dim: {EventShape.Length})";

    private static long[] SplitBatch(Tensor v, int eventDim)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (eventDim < 0 || eventDim > v.dim())
        {
            throw new ArgumentException($"Delta: eventDim {eventDim} is outside [0, {v.dim()}] for a value of shape {ShapeUtil.Format(v.Shape())}.", nameof(eventDim));
        }

        return v.Shape()[..(v.Shape().Length - eventDim)];
    }
}
