using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The Cauchy (Lorentz) distribution with location <c>loc</c> and scale <c>scale</c>, reparameterizable.</summary>
public sealed class Cauchy : Distribution
{
    private static readonly double LogPi = Math.Log(Math.PI);
    private static readonly double Log4Pi = Math.Log(4 * Math.PI);

    /// <summary>Cauchy(<paramref name="loc"/>, <paramref name="scale"/>), parameters broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some scale is not positive.</exception>
    public Cauchy(Tensor loc, Tensor scale)
        : base(ShapeUtil.Broadcast(Checked(loc).shape, Checked(scale).shape), [])
    {
        Loc = loc.expand(BatchShape);
        Scale = scale.expand(BatchShape);
        Require(scale, nameof(scale), "positive", s => s.gt(0));
    }

    /// <summary>Cauchy(<paramref name="loc"/>, <paramref name="scale"/>) with a scalar scale on loc's device.</summary>
    public Cauchy(Tensor loc, double scale)
        : this(loc, TensorUtil.ScalarLike(scale, Checked(loc)))
    {
    }

    /// <summary>A scalar Cauchy(<paramref name="loc"/>, <paramref name="scale"/>) on the default device.</summary>
    public Cauchy(double loc, double scale)
        : this(TensorUtil.Scalar(loc), TensorUtil.Scalar(scale))
    {
    }

    /// <summary>The location (median and mode).</summary>
    public Tensor Loc { get; }

    /// <summary>The scale (half the interquartile range).</summary>
    public Tensor Scale { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.Real;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => Loc.device;

    /// <inheritdoc />
    public override ScalarType DType => Loc.dtype;

    /// <summary>Not defined: the Cauchy distribution has no mean.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override Tensor Mean => throw new NotSupportedException("Cauchy: the mean is undefined (the integral diverges).");

    /// <summary>Not defined: the Cauchy distribution has no variance.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override Tensor Variance => throw new NotSupportedException("Cauchy: the variance is undefined (the integral diverges).");

    /// <inheritdoc />
    public override Tensor Entropy() => Scale.log().add(Log4Pi);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => new Cauchy(Loc.expand(batchShape), Scale.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        // inverse CDF: loc + scale·tan(π(u − ½)); u = 0 maps to a huge finite value, not infinity
        var u = torch.rand(ExtendedShape(sampleShape), dtype: DType, device: Device, generator: generator);
        return u.sub(0.5).mul(Math.PI).tan().mul(Scale).add(Loc);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var z = value.sub(Loc).div(Scale);
        return z.square().log1p().neg().sub(Scale.log()).sub(LogPi);
    }

    /// <inheritdoc />
    public override string ToString() => $"Cauchy(loc: {ShapeUtil.Format(Loc.shape)}, scale: {ShapeUtil.Format(Scale.shape)})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
