using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The log-normal distribution: exp(X) for X ~ N(<c>loc</c>, <c>scale</c>²), reparameterizable.</summary>
public sealed class LogNormal : Distribution
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>LogNormal(<paramref name="loc"/>, <paramref name="scale"/>), parameters broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some scale is not positive.</exception>
    public LogNormal(Tensor loc, Tensor scale)
        : base(ShapeUtil.Broadcast(Checked(loc).shape, Checked(scale).shape), [])
    {
        Loc = loc.expand(BatchShape);
        Scale = scale.expand(BatchShape);
        Require(scale, nameof(scale), "positive", s => s.gt(0));
    }

    /// <summary>LogNormal(<paramref name="loc"/>, <paramref name="scale"/>) with a scalar scale on loc's device.</summary>
    public LogNormal(Tensor loc, double scale)
        : this(loc, TensorUtil.ScalarLike(scale, Checked(loc)))
    {
    }

    /// <summary>A scalar LogNormal(<paramref name="loc"/>, <paramref name="scale"/>) on the default device.</summary>
    public LogNormal(double loc, double scale)
        : this(TensorUtil.Scalar(loc), TensorUtil.Scalar(scale))
    {
    }

    /// <summary>The mean of the underlying normal distribution (the log of the median).</summary>
    public Tensor Loc { get; }

    /// <summary>The standard deviation of the underlying normal distribution.</summary>
    public Tensor Scale { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.Positive;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => Loc.device;

    /// <inheritdoc />
    public override ScalarType DType => Loc.dtype;

    /// <inheritdoc />
    public override Tensor Mean => Scale.square().mul(0.5).add(Loc).exp();

    /// <inheritdoc />
    public override Tensor Variance
    {
        get
        {
            var s2 = Scale.square();
            return s2.expm1().mul(s2.add(Loc.mul(2)).exp());
        }
    }

    /// <inheritdoc />
    public override Tensor Entropy() => Scale.log().add(Loc).add(0.5 + HalfLog2Pi);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => new LogNormal(Loc.expand(batchShape), Scale.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        var eps = torch.randn(ExtendedShape(sampleShape), dtype: DType, device: Device, generator: generator);
        return eps.mul(Scale).add(Loc).exp();
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var logX = value.log();
        var z = logX.sub(Loc).div(Scale);
        return z.square().mul(-0.5).sub(Scale.log()).sub(logX).sub(HalfLog2Pi);
    }

    /// <inheritdoc />
    public override string ToString() => $"LogNormal(loc: {ShapeUtil.Format(Loc.shape)}, scale: {ShapeUtil.Format(Scale.shape)})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
