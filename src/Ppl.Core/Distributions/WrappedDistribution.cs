using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// A distribution defined by changing how another one is read (its event split, mask or batch
/// shape) without changing how it draws: device, dtype, support and reparameterization come
/// from <see cref="Base"/>.
/// </summary>
public abstract class WrappedDistribution : Distribution
{
    /// <summary>Wraps <paramref name="baseDistribution"/> with the given shapes.</summary>
    protected WrappedDistribution(Distribution baseDistribution, long[] batchShape, long[] eventShape)
        : base(batchShape, eventShape)
    {
        Base = baseDistribution ?? throw new ArgumentNullException(nameof(baseDistribution));
    }

    /// <summary>The wrapped distribution.</summary>
    public Distribution Base { get; }

    /// <inheritdoc />
    public override Constraint Support => Base.Support;

    /// <inheritdoc />
    public override bool HasRSample => Base.HasRSample;

    /// <inheritdoc />
    public override Device Device => Base.Device;

    /// <inheritdoc />
    public override ScalarType DType => Base.DType;
}
