using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The trivial distribution over the empty value, whose log-probability is a given factor.
/// <c>Factor(name, logFactor)</c> observes it to add <paramref name="logFactor"/> to a model's density.
/// </summary>
/// <param name="logFactor">The log-density contribution, shape <c>BatchShape</c>.</param>
/// <param name="hasRSample">Whether the factor is differentiable along reparameterized paths.</param>
public sealed class Unit(Tensor logFactor, bool hasRSample = true) : Distribution(Checked(logFactor).Shape(), [0])
{
    /// <summary>The log-density contribution.</summary>
    public Tensor LogFactor { get; } = logFactor;

    /// <inheritdoc />
    public override Constraint Support => Constraints.Real;

    /// <inheritdoc />
    public override bool HasRSample => hasRSample;

    /// <inheritdoc />
    public override Device Device => LogFactor.device;

    /// <inheritdoc />
    public override ScalarType DType => LogFactor.dtype;

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => new Unit(LogFactor.expand(batchShape), hasRSample);

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape) =>
        torch.empty(ExtendedShape(sampleShape), dtype: DType, device: Device);

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value) =>
        LogFactor.expand(ShapeUtil.Broadcast(value.Shape().AsSpan(0, value.Shape().Length - 1), BatchShape));

    /// <inheritdoc />
    protected override void ValidateSample(Tensor value)
    {
        if (value.dim() == 0 || value.Shape()[^1] != 0)
        {
            throw new ArgumentException($"Unit: value of shape {ShapeUtil.Format(value.Shape())} must have an empty last dimension.", nameof(value));
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Unit(log_factor: {ShapeUtil.Format(LogFactor.Shape())})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
