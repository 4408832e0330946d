using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The normal (Gaussian) distribution N(loc, scale²), reparameterizable.</summary>
public sealed class Normal : Distribution
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>N(<paramref name="loc"/>, <paramref name="scale"/>²), parameters broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some scale is not positive.</exception>
    public Normal(Tensor loc, Tensor scale)
        : base(ShapeUtil.Broadcast(Checked(loc).shape, Checked(scale).shape), [])
    {
        Loc = loc.expand(BatchShape);
        Scale = scale.expand(BatchShape);
        Require(scale, nameof(scale), "positive", s => s.gt(0));
    }

    /// <summary>N(<paramref name="loc"/>, <paramref name="scale"/>²) with a scalar scale on loc's device.</summary>
    public Normal(Tensor loc, double scale)
        : this(loc, TensorUtil.ScalarLike(scale, Checked(loc)))
    {
    }

    /// <summary>A scalar N(<paramref name="loc"/>, <paramref name="scale"/>²) on the default device.</summary>
    public Normal(double loc, double scale)
        : this(TensorUtil.Scalar(loc), TensorUtil.Scalar(scale))
    {
    }

    /// <summary>The mean.</summary>
    public Tensor Loc { get; }

    /// <summary>The standard deviation.</summary>
    public Tensor Scale { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.Real;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => Loc.device;

    /// <inheritdoc />
    public override ScalarType DType => Loc.dtype;

    /// <inheritdoc />
    public override Tensor Mean => Loc.alias();

    /// <inheritdoc />
    public override Tensor Variance => Scale.square();

    /// <inheritdoc />
    public override Tensor Entropy() => Scale.log().add(0.5 + HalfLog2Pi);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => new Normal(Loc.expand(batchShape), Scale.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        var eps = torch.randn(ExtendedShape(sampleShape), dtype: DType, device: Device, generator: generator);
        return eps.mul(Scale).add(Loc);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var z = value.sub(Loc).div(Scale);
        return z.square().mul(-0.5).sub(Scale.log()).sub(HalfLog2Pi);
    }

    /// <inheritdoc />
    public override string ToString() => $"Normal(loc: {ShapeUtil.Format(Loc.shape)}, scale: {ShapeUtil.Format(Scale.shape)})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
