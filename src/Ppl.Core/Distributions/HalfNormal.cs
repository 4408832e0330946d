using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The half-normal distribution: |X| for X ~ N(0, <c>scale</c>²), reparameterizable.</summary>
public sealed class HalfNormal : Distribution
{
    private static readonly double HalfLog2OverPi = 0.5 * Math.Log(2 / Math.PI);
    private static readonly double EntropyConstant = 0.5 * Math.Log(Math.PI / 2) + 0.5;

    /// <summary>HalfNormal(<paramref name="scale"/>).</summary>
    /// <exception cref="ArgumentException">Validation is on and some scale is not positive.</exception>
    public HalfNormal(Tensor scale)
        : this(scale, validate: true)
    {
    }

    private HalfNormal(Tensor scale, bool validate)
        : base(Checked(scale).Shape(), [])
    {
        Scale = scale;
        if (validate)
        {
            RequirePositive(scale, nameof(scale));
        }
    }

    /// <summary>A scalar HalfNormal(<paramref name="scale"/>) on the default device.</summary>
    public HalfNormal(double scale)
        : this(TensorUtil.Scalar(scale))
    {
    }

    /// <summary>The standard deviation of the underlying normal distribution.</summary>
    public Tensor Scale { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.NonNegative;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => Scale.device;

    /// <inheritdoc />
    public override ScalarType DType => Scale.dtype;

    /// <inheritdoc />
    public override Tensor Mean => Scale.mul(Math.Sqrt(2 / Math.PI));

    /// <inheritdoc />
    public override Tensor Variance => Scale.square().mul(1 - (2 / Math.PI));

    /// <inheritdoc />
    public override Tensor Entropy() => Scale.log().add(EntropyConstant);

    /// <summary>Builds without re-checking parameters a validated instance already checked (for <see cref="ExpandCore"/> and other internal reuse); shapes must already broadcast.</summary>
    internal static HalfNormal Trusted(Tensor scale) => new(scale, validate: false);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => Trusted(Scale.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        // |ε| written as sqrt(ε²) because abs has no meta kernel
        var eps = torch.randn(ExtendedShape(sampleShape), dtype: DType, device: Device, generator: generator);
        return eps.square().sqrt().mul(Scale);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var z = value.div(Scale);
        var lp = z.square().mul(-0.5).sub(Scale.log()).add(HalfLog2OverPi);
        return lp.masked_fill(value.lt(0), double.NegativeInfinity); // reached only with validation off
    }

    /// <inheritdoc />
    public override string ToString() => $"HalfNormal(scale: {ShapeUtil.Format(Scale.Shape())})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
