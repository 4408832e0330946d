using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The log-normal distribution: exp(X) for X ~ N(<c>loc</c>, <c>scale</c>²), reparameterizable.</summary>
/// <remarks>
/// X is a <see cref="Normal"/> held inside: parameters, expansion, draws and the standardization
/// are the location-scale machinery's (<see cref="LocationScaleDistribution"/>); this type adds the
/// exp and a log-density with the Jacobian folded into one fused formula.
/// </remarks>
public sealed class LogNormal : Distribution
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    private static readonly Scalar Half = 0.5.ToScalar();
    private static readonly Scalar HalfLog2PiScalar = HalfLog2Pi.ToScalar();
    private readonly Normal _normal;

    /// <summary>LogNormal(<paramref name="loc"/>, <paramref name="scale"/>), parameters broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some loc is not finite or some scale is not positive and finite.</exception>
    public LogNormal(Tensor loc, Tensor scale)
        : this(Normal.Trusted(Checked(loc), Checked(scale), constantScale: null))
    {
        RequireFinite(loc, nameof(loc));
        RequirePositive(scale, nameof(scale));
    }

    /// <summary>
    /// LogNormal(<paramref name="loc"/>, <paramref name="scale"/>) with a scalar scale on loc's
    /// device, checked in managed code as loc's dtype stores it (no tensor op or device sync); 0
    /// and 1 are shared constants.
    /// </summary>
    /// <exception cref="ArgumentException">Validation is on and some loc is not finite or <paramref name="scale"/> is not positive and finite in loc's dtype.</exception>
    public LogNormal(Tensor loc, double scale)
        : this(Normal.Trusted(Checked(loc), TensorUtil.SharedConstantLike(scale, loc), scale))
    {
        RequirePositiveScalar(scale, loc.dtype, nameof(scale));
        RequireFinite(loc, nameof(loc));
    }

    /// <summary>A scalar LogNormal(<paramref name="loc"/>, <paramref name="scale"/>) on the default device, both checked in managed code.</summary>
    /// <exception cref="ArgumentException">Validation is on and <paramref name="loc"/> is not finite or <paramref name="scale"/> is not positive and finite in the default dtype.</exception>
    public LogNormal(double loc, double scale)
        : this(Normal.Trusted(TensorUtil.SharedConstant(loc), TensorUtil.SharedConstant(scale), scale))
    {
        RequireFiniteScalar(loc, DType, nameof(loc));
        RequirePositiveScalar(scale, DType, nameof(scale));
    }

    private LogNormal(Normal normal)
        : base(normal.BatchShape, [])
    {
        _normal = normal;
    }

    /// <summary>The mean of the underlying normal distribution (the log of the median), broadcast to the batch shape.</summary>
    public Tensor Loc => _normal.Loc;

    /// <summary>The standard deviation of the underlying normal distribution, broadcast to the batch shape.</summary>
    public Tensor Scale => _normal.Scale;

    /// <inheritdoc />
    public override Constraint Support => Constraints.Positive;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => _normal.Device;

    /// <inheritdoc />
    public override ScalarType DType => _normal.DType;

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
    /// <remarks>A constant scale stays constant (a location-scale family's own expansion does not keep it).</remarks>
    protected internal override Distribution ExpandCore(long[] batchShape) => _normal.ConstantScale is double c
        ? new LogNormal(Normal.Trusted(_normal.LocAsGiven.expand(batchShape), TensorUtil.SharedConstantLike(c, _normal.LocAsGiven), c))
        : new LogNormal(Normal.Trusted(Loc.expand(batchShape), Scale.expand(batchShape), constantScale: null));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape) => _normal.SampleCore(generator, sampleShape).exp();

    /// <inheritdoc />
    internal override (Tensor Value, DrawNoise? Noise) SampleWithNoise(Generator? generator, long[] sampleShape)
    {
        var (log, noise) = _normal.SampleWithNoise(generator, sampleShape);
        return (log.exp(), new DrawNoise(noise!.Standard, log));
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var logX = Transforms.ExpTransform.LogOf(value);
        return LogDensity(_normal.Standardize(logX), logX);
    }

    /// <inheritdoc />
    /// <remarks>The standardized log equals the noise (no gradient); log x is the draw's own log.</remarks>
    internal override Tensor? LogProbFromNoise(Tensor value, DrawNoise noise) =>
        noise is { Standard: { } z, Preimage: { } log } ? LogDensity(z, log) : null;

    /// <summary>
    /// −(log x + log scale + ½ log 2π + ½ z²) for the standardized log <paramref name="z"/>, with
    /// the square fused into one addcmul; a constant scale costs no log op.
    /// </summary>
    private Tensor LogDensity(Tensor z, Tensor logX)
    {
        Tensor shifted;
        if (_normal.ConstantScale is double c)
        {
            using var normalizer = (Math.Log(c) + HalfLog2Pi).ToScalar();
            shifted = logX.add(normalizer);
        }
        else
        {
            shifted = logX.add(Transforms.ExpTransform.LogOf(_normal.ScaleAsGiven)).add(HalfLog2PiScalar);
        }

        return shifted.addcmul(z, z, Half).neg();
    }

    /// <inheritdoc />
    public override string ToString() => $"LogNormal(loc: {ShapeUtil.Format(Loc.Shape())}, scale: {ShapeUtil.Format(Scale.Shape())})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
