using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The half-Cauchy distribution: |X| for X ~ Cauchy(0, <c>scale</c>), reparameterizable.</summary>
public sealed class HalfCauchy : Distribution
{
    private static readonly double Log2OverPi = Math.Log(2 / Math.PI);
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    /// <summary>HalfCauchy(<paramref name="scale"/>).</summary>
    /// <exception cref="ArgumentException">Validation is on and some scale is not positive.</exception>
    public HalfCauchy(Tensor scale)
        : this(scale, validate: true)
    {
    }

    private HalfCauchy(Tensor scale, bool validate)
        : base(Checked(scale).Shape(), [])
    {
        Scale = scale;
        if (validate)
        {
            RequirePositive(scale, nameof(scale));
        }
    }

    /// <summary>A scalar HalfCauchy(<paramref name="scale"/>) on the default device.</summary>
    public HalfCauchy(double scale)
        : this(TensorUtil.Scalar(scale))
    {
    }

    /// <summary>The scale of the underlying Cauchy distribution (also the median).</summary>
    public Tensor Scale { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.NonNegative;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => Scale.device;

    /// <inheritdoc />
    public override ScalarType DType => Scale.dtype;

    /// <summary>Not defined: the half-Cauchy distribution has an infinite mean.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override Tensor Mean => throw new NotSupportedException("HalfCauchy: the mean is undefined (the integral diverges).");

    /// <summary>Not defined: the half-Cauchy distribution has an infinite second moment.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override Tensor Variance => throw new NotSupportedException("HalfCauchy: the variance is undefined (the integral diverges).");

    /// <inheritdoc />
    public override Tensor Entropy() => Scale.log().add(Log2Pi);

    /// <summary>Builds without re-checking parameters a validated instance already checked (for <see cref="ExpandCore"/> and other internal reuse); shapes must already broadcast.</summary>
    internal static HalfCauchy Trusted(Tensor scale) => new(scale, validate: false);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => Trusted(Scale.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        // inverse CDF: scale·tan(πu/2), which stays finite for u in [0, 1)
        var u = torch.rand(ExtendedShape(sampleShape), dtype: DType, device: Device, generator: generator);
        return u.mul(Math.PI / 2).tan().mul(Scale);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var z = value.div(Scale);
        // log(2/π) − log(1 + z²) − log scale, from a shared constant: two subtractions instead of neg, sub and add
        var lp = TensorUtil.LibraryConstantLike(Log2OverPi, z).sub(z.square().log1p()).sub(Scale.log());
        return lp.masked_fill(value.lt(0), double.NegativeInfinity); // reached only with validation off
    }

    /// <inheritdoc />
    public override string ToString() => $"HalfCauchy(scale: {ShapeUtil.Format(Scale.Shape())})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
