using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The Gumbel (type-I extreme value) distribution with location <c>loc</c> and scale <c>scale</c>, reparameterizable.</summary>
public sealed class Gumbel : Distribution
{
    private const double EulerGamma = 0.57721566490153286061;

    /// <summary>Gumbel(<paramref name="loc"/>, <paramref name="scale"/>), parameters broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some scale is not positive.</exception>
    public Gumbel(Tensor loc, Tensor scale)
        : base(ShapeUtil.Broadcast(Checked(loc).shape, Checked(scale).shape), [])
    {
        Loc = loc.expand(BatchShape);
        Scale = scale.expand(BatchShape);
        Require(scale, nameof(scale), "positive", s => s.gt(0));
    }

    /// <summary>Gumbel(<paramref name="loc"/>, <paramref name="scale"/>) with a scalar scale on loc's device.</summary>
    public Gumbel(Tensor loc, double scale)
        : this(loc, TensorUtil.ScalarLike(scale, Checked(loc)))
    {
    }

    /// <summary>A scalar Gumbel(<paramref name="loc"/>, <paramref name="scale"/>) on the default device.</summary>
    public Gumbel(double loc, double scale)
        : this(TensorUtil.Scalar(loc), TensorUtil.Scalar(scale))
    {
    }

    /// <summary>The location (the mode).</summary>
    public Tensor Loc { get; }

    /// <summary>The scale.</summary>
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
    public override Tensor Mean => Scale.mul(EulerGamma).add(Loc);

    /// <inheritdoc />
    public override Tensor Variance => Scale.square().mul(Math.PI * Math.PI / 6);

    /// <inheritdoc />
    public override Tensor Entropy() => Scale.log().add(EulerGamma + 1);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => new Gumbel(Loc.expand(batchShape), Scale.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        // inverse CDF loc − scale·log(−log u); u = 0 would give −∞, so u comes from the open interval
        var u = Kernels.OpenUniform(ExtendedShape(sampleShape), DType, Device, generator);
        return u.log().neg().log().mul(Scale).neg().add(Loc);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var z = value.sub(Loc).div(Scale);
        return z.add(z.neg().exp()).neg().sub(Scale.log());
    }

    /// <inheritdoc />
    public override string ToString() => $"Gumbel(loc: {ShapeUtil.Format(Loc.shape)}, scale: {ShapeUtil.Format(Scale.shape)})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
