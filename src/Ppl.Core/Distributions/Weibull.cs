using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The two-parameter Weibull distribution with CDF 1 − exp(−(x/scale)^concentration), in
/// PyTorch's argument order (scale first), reparameterizable.
/// </summary>
public sealed class Weibull : Distribution
{
    private const double EulerGamma = 0.57721566490153286061;

    /// <summary>Weibull(<paramref name="scale"/>, <paramref name="concentration"/>), parameters broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some scale or concentration is not positive.</exception>
    public Weibull(Tensor scale, Tensor concentration)
        : base(ShapeUtil.Broadcast(Checked(scale).Shape(), Checked(concentration).Shape()), [])
    {
        Scale = scale.expand(BatchShape);
        Concentration = concentration.expand(BatchShape);
        RequirePositive(scale, nameof(scale));
        RequirePositive(concentration, nameof(concentration));
    }

    /// <summary>Weibull(<paramref name="scale"/>, <paramref name="concentration"/>) with a scalar concentration on scale's device.</summary>
    public Weibull(Tensor scale, double concentration)
        : this(scale, TensorUtil.ScalarLike(concentration, Checked(scale)))
    {
    }

    /// <summary>A scalar Weibull(<paramref name="scale"/>, <paramref name="concentration"/>) on the default device.</summary>
    public Weibull(double scale, double concentration)
        : this(TensorUtil.Scalar(scale), TensorUtil.Scalar(concentration))
    {
    }

    /// <summary>The scale λ.</summary>
    public Tensor Scale { get; }

    /// <summary>The concentration (shape) k.</summary>
    public Tensor Concentration { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.Positive;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => Scale.device;

    /// <inheritdoc />
    public override ScalarType DType => Scale.dtype;

    /// <inheritdoc />
    public override Tensor Mean => Concentration.reciprocal().add(1).lgamma().exp().mul(Scale);

    /// <inheritdoc />
    public override Tensor Variance
    {
        get
        {
            var inv = Concentration.reciprocal();
            var g1 = inv.add(1).lgamma().exp();
            var g2 = inv.mul(2).add(1).lgamma().exp();
            return g2.sub(g1.square()).mul(Scale.square());
        }
    }

    /// <inheritdoc />
    public override Tensor Entropy() =>
        Concentration.reciprocal().neg().add(1).mul(EulerGamma).add(Scale.div(Concentration).log()).add(1);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => new Weibull(Scale.expand(batchShape), Concentration.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        // inverse CDF scale·(−log(1 − u))^(1/k); the open-uniform draw keeps x strictly positive
        var u = Kernels.OpenUniform(ExtendedShape(sampleShape), DType, Device, generator);
        return u.neg().log1p().neg().pow(Concentration.reciprocal()).mul(Scale);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var z = value.div(Scale);
        return Concentration.div(Scale).log().add(z.log().mul(Concentration.sub(1))).sub(z.pow(Concentration));
    }

    /// <inheritdoc />
    public override string ToString() => $"Weibull(scale: {ShapeUtil.Format(Scale.Shape())}, concentration: {ShapeUtil.Format(Concentration.Shape())})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
