using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// Student's t distribution with <see cref="Df"/> degrees of freedom, location
/// <see cref="Loc"/> and scale <see cref="Scale"/>. Draws are loc + scale·Z/√(V/df) with
/// Z ~ N(0, 1) and V ~ Chi2(df), so gradients reach df through the gamma sampler.
/// </summary>
public sealed class StudentT : Distribution
{
    private static readonly double HalfLogPi = 0.5 * Math.Log(Math.PI);

    /// <summary>StudentT(<paramref name="df"/>, <paramref name="loc"/>, <paramref name="scale"/>), parameters broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some df or scale is not positive.</exception>
    public StudentT(Tensor df, Tensor loc, Tensor scale)
        : this(df, loc, scale, validate: true)
    {
    }

    /// <summary>StudentT(<paramref name="df"/>, <paramref name="loc"/>, <paramref name="scale"/>) with scalar location and scale on df's device.</summary>
    /// <exception cref="ArgumentException">Validation is on and some df or the scale is not positive.</exception>
    public StudentT(Tensor df, double loc, double scale)
        : this(df, TensorUtil.ScalarLike(loc, Checked(df)), TensorUtil.ScalarLike(scale, Checked(df)))
    {
    }

    /// <summary>The standard StudentT(<paramref name="df"/>, 0, 1).</summary>
    /// <exception cref="ArgumentException">Validation is on and some df is not positive.</exception>
    public StudentT(Tensor df)
        : this(df, 0.0, 1.0)
    {
    }

    /// <summary>The standard StudentT(<paramref name="df"/>, 0, 1), in torch's default floating dtype (<c>torch.get_default_dtype()</c>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and df is not positive.</exception>
    public StudentT(double df)
        : this(df, 0.0, 1.0)
    {
    }

    /// <summary>A scalar StudentT(<paramref name="df"/>, <paramref name="loc"/>, <paramref name="scale"/>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and df or the scale is not positive.</exception>
    public StudentT(double df, double loc, double scale)
        : this(TensorUtil.Scalar(df), TensorUtil.Scalar(loc), TensorUtil.Scalar(scale))
    {
    }

    private StudentT(Tensor df, Tensor loc, Tensor scale, bool validate)
        : base(ShapeUtil.Broadcast(ShapeUtil.Broadcast(Checked(df).Shape(), Checked(loc).Shape()), Checked(scale).Shape()), [])
    {
        Df = df.expand(BatchShape);
        Loc = loc.expand(BatchShape);
        Scale = scale.expand(BatchShape);
        if (validate)
        {
            RequirePositive(df, nameof(df));
            RequireFinite(loc, nameof(loc));
            RequirePositive(scale, nameof(scale));
        }
    }

    /// <summary>The degrees of freedom.</summary>
    public Tensor Df { get; }

    /// <summary>The location (the median; the mean when df &gt; 1).</summary>
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

    /// <summary><see cref="Loc"/> where df &gt; 1; NaN where df ≤ 1, where the mean does not exist (as in PyTorch).</summary>
    public override Tensor Mean => Loc.masked_fill(Df.le(1), double.NaN);

    /// <summary>
    /// scale²·df/(df − 2) where df &gt; 2; +∞ where 1 &lt; df ≤ 2 (the second moment diverges);
    /// NaN where df ≤ 1 (no mean to centre on), as in PyTorch.
    /// </summary>
    public override Tensor Variance =>
        Scale.square().mul(Df).div(Df.sub(2))
            .masked_fill(Df.le(2), double.PositiveInfinity)
            .masked_fill(Df.le(1), double.NaN);

    /// <inheritdoc />
    public override Tensor Entropy()
    {
        var half = Df.mul(0.5);
        var halfPlus = Df.add(1).mul(0.5);
        return Scale.log()
            .add(halfPlus.mul(halfPlus.digamma().sub(half.digamma())))
            .add(Df.log().mul(0.5))
            .add(half.lgamma()).add(HalfLogPi).sub(halfPlus.lgamma()); // log B(df/2, 1/2), with Γ(1/2) = √π
    }

    /// <summary>Builds without re-checking parameters a validated instance already checked (for <see cref="ExpandCore"/> and other internal reuse); shapes must already broadcast.</summary>
    internal static StudentT Trusted(Tensor df, Tensor loc, Tensor scale) => new(df, loc, scale, validate: false);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        Trusted(Df.expand(batchShape), Loc.expand(batchShape), Scale.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        var shape = ExtendedShape(sampleShape);
        var z = torch.randn(shape, dtype: DType, device: Device, generator: generator);
        var chi2 = Kernels.PositiveStandardGamma(Df.mul(0.5), shape, generator).mul(2);
        return z.mul(chi2.div(Df).rsqrt()).mul(Scale).add(Loc);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var y = value.sub(Loc).div(Scale);
        var logNormalizer = Scale.log()
            .add(Df.log().mul(0.5))
            .add(HalfLogPi)
            .add(Df.mul(0.5).lgamma())
            .sub(Df.add(1).mul(0.5).lgamma());
        return y.square().div(Df).log1p().mul(Df.add(1).mul(-0.5)).sub(logNormalizer);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"StudentT(df: {ShapeUtil.Format(Df.Shape())}, loc: {ShapeUtil.Format(Loc.Shape())}, scale: {ShapeUtil.Format(Scale.Shape())})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
