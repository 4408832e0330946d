using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The exponential distribution with rate <c>rate</c> (mean 1/rate), reparameterizable.</summary>
public sealed class Exponential : Distribution
{
    /// <summary>Exponential(<paramref name="rate"/>).</summary>
    /// <exception cref="ArgumentException">Validation is on and some rate is not positive.</exception>
    public Exponential(Tensor rate)
        : this(rate, validate: true)
    {
    }

    private Exponential(Tensor rate, bool validate)
        : base(Checked(rate).Shape(), [])
    {
        Rate = rate;
        if (validate)
        {
            RequirePositive(rate, nameof(rate));
        }
    }

    /// <summary>A scalar Exponential(<paramref name="rate"/>) on the default device.</summary>
    public Exponential(double rate)
        : this(TensorUtil.Scalar(rate))
    {
    }

    /// <summary>The rate (inverse scale).</summary>
    public Tensor Rate { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.NonNegative;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => Rate.device;

    /// <inheritdoc />
    public override ScalarType DType => Rate.dtype;

    /// <inheritdoc />
    public override Tensor Mean => Rate.reciprocal();

    /// <inheritdoc />
    public override Tensor Variance => Rate.square().reciprocal();

    /// <inheritdoc />
    public override Tensor Entropy() => Rate.log().neg().add(1);

    /// <summary>Builds without re-checking parameters a validated instance already checked (for <see cref="ExpandCore"/> and other internal reuse); shapes must already broadcast.</summary>
    internal static Exponential Trusted(Tensor rate) => new(rate, validate: false);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => Trusted(Rate.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        // inverse CDF −log(1 − u)/rate; log1p keeps precision for small u and 1 − u never reaches 0
        var u = torch.rand(ExtendedShape(sampleShape), dtype: DType, device: Device, generator: generator);
        return u.neg().log1p().neg().div(Rate);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value) => Rate.log().sub(value.mul(Rate));

    /// <inheritdoc />
    public override string ToString() => $"Exponential(rate: {ShapeUtil.Format(Rate.Shape())})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
