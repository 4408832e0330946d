using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The Poisson distribution with mean <see cref="Rate"/>. Draws are in the rate's floating dtype.</summary>
public sealed class Poisson : Distribution
{
    /// <summary>Poisson with non-negative <paramref name="rate"/>.</summary>
    /// <exception cref="ArgumentException">Validation is on and some rate is negative or not finite.</exception>
    public Poisson(Tensor rate)
        : this(rate, validate: true)
    {
    }

    private Poisson(Tensor rate, bool validate)
        : base(Checked(rate).Shape(), [])
    {
        Rate = rate;
        if (validate)
        {
            RequireNonNegative(rate, nameof(rate));
        }
    }

    /// <summary>A scalar Poisson on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and the rate is negative or not finite.</exception>
    public Poisson(double rate)
        : this(TensorUtil.Scalar(rate))
    {
    }

    /// <summary>The mean number of events.</summary>
    public Tensor Rate { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.NonNegativeInteger;

    /// <inheritdoc />
    public override Device Device => Rate.device;

    /// <inheritdoc />
    public override ScalarType DType => Rate.dtype;

    /// <inheritdoc />
    public override Tensor Mean => Rate.alias();

    /// <inheritdoc />
    public override Tensor Variance => Rate.alias();

    /// <summary>Builds without re-checking parameters a validated instance already checked (for <see cref="ExpandCore"/> and other internal reuse); shapes must already broadcast.</summary>
    internal static Poisson Trusted(Tensor rate) => new(rate, validate: false);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => Trusted(Rate.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape) =>
        Kernels.Poisson(Rate.expand(ExtendedShape(sampleShape)).contiguous(), generator);

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var k = Kernels.AsFloating(value, DType);

        // 0·log 0 is 0: a zero rate puts all mass on k = 0
        var kLogRate = k.mul(Rate.log()).masked_fill(k.eq(0), 0.0);
        return kLogRate.sub(Rate).sub(k.add(1).lgamma());
    }

    /// <inheritdoc />
    public override string ToString() => $"Poisson(rate: {ShapeUtil.Format(Rate.Shape())})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
