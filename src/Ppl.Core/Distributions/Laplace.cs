using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The Laplace (double-exponential) distribution with location <c>loc</c> and scale <c>scale</c>, reparameterizable.</summary>
public sealed class Laplace : Distribution
{
    private static readonly double Log2 = Math.Log(2);

    /// <summary>Laplace(<paramref name="loc"/>, <paramref name="scale"/>), parameters broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some scale is not positive.</exception>
    public Laplace(Tensor loc, Tensor scale)
        : base(ShapeUtil.Broadcast(Checked(loc).shape, Checked(scale).shape), [])
    {
        Loc = loc.expand(BatchShape);
        Scale = scale.expand(BatchShape);
        Require(scale, nameof(scale), "positive", s => s.gt(0));
    }

    /// <summary>Laplace(<paramref name="loc"/>, <paramref name="scale"/>) with a scalar scale on loc's device.</summary>
    public Laplace(Tensor loc, double scale)
        : this(loc, TensorUtil.ScalarLike(scale, Checked(loc)))
    {
    }

    /// <summary>A scalar Laplace(<paramref name="loc"/>, <paramref name="scale"/>) on the default device.</summary>
    public Laplace(double loc, double scale)
        : this(TensorUtil.Scalar(loc), TensorUtil.Scalar(scale))
    {
    }

    /// <summary>The location (mean, median and mode).</summary>
    public Tensor Loc { get; }

    /// <summary>The scale (mean absolute deviation from the location).</summary>
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
    public override Tensor Variance => Scale.square().mul(2);

    /// <inheritdoc />
    public override Tensor Entropy() => Scale.log().add(1 + Log2);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => new Laplace(Loc.expand(batchShape), Scale.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        // inverse CDF on v = 2u − 1: loc − scale·sign(v)·log(1 − |v|). v = −1 (u = 0) would give an
        // infinite draw, so v is lifted by one machine epsilon; |v| is v·sign(v) for meta
        var u = torch.rand(ExtendedShape(sampleShape), dtype: DType, device: Device, generator: generator);
        var v = u.mul(2).sub(1).clamp_min(torch.finfo(DType).eps - 1);
        var sign = v.sign();
        return v.mul(sign).neg().log1p().mul(sign).mul(Scale).neg().add(Loc);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var d = value.sub(Loc);
        return d.mul(d.sign()).div(Scale).neg().sub(Scale.log()).sub(Log2);
    }

    /// <inheritdoc />
    public override string ToString() => $"Laplace(loc: {ShapeUtil.Format(Loc.shape)}, scale: {ShapeUtil.Format(Scale.shape)})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
