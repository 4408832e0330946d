using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The log-normal distribution: exp(X) for X ~ N(<c>loc</c>, <c>scale</c>²), reparameterizable.</summary>
public sealed class LogNormal : Distribution
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    private static readonly Scalar Half = 0.5.ToScalar();
    private static readonly Scalar One = 1.0.ToScalar();
    private static readonly Scalar HalfLog2PiScalar = HalfLog2Pi.ToScalar();
    private readonly Tensor _loc;
    private readonly Tensor _scale;
    private readonly double? _constantScale;
    private readonly bool _locHasBatchShape;
    private readonly bool _scaleHasBatchShape;
    private Tensor? _lastDraw;
    private Tensor? _lastNoise;
    private Tensor? _lastLog;

    /// <summary>LogNormal(<paramref name="loc"/>, <paramref name="scale"/>), parameters broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some loc is not finite or some scale is not positive and finite.</exception>
    public LogNormal(Tensor loc, Tensor scale)
        : this(loc, scale, constantScale: null)
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
        : this(loc, TensorUtil.SharedConstantLike(scale, Checked(loc)), constantScale: scale)
    {
        RequirePositiveScalar(scale, loc.dtype, nameof(scale));
        RequireFinite(loc, nameof(loc));
    }

    /// <summary>A scalar LogNormal(<paramref name="loc"/>, <paramref name="scale"/>) on the default device, both checked in managed code.</summary>
    /// <exception cref="ArgumentException">Validation is on and <paramref name="loc"/> is not finite or <paramref name="scale"/> is not positive and finite in the default dtype.</exception>
    public LogNormal(double loc, double scale)
        : this(TensorUtil.SharedConstant(loc), TensorUtil.SharedConstant(scale), constantScale: scale)
    {
        RequireFiniteScalar(loc, DType, nameof(loc));
        RequirePositiveScalar(scale, DType, nameof(scale));
    }

    private LogNormal(Tensor loc, Tensor scale, double? constantScale)
        : base(ShapeUtil.Broadcast(Checked(loc).Shape(), Checked(scale).Shape()), [])
    {
        // kept as given and expanded only when read (see LocationScaleDistribution)
        _locHasBatchShape = ShapeUtil.SameShape(loc.Shape(), BatchShape);
        _scaleHasBatchShape = ShapeUtil.SameShape(scale.Shape(), BatchShape);
        _loc = loc;
        _scale = scale;
        _constantScale = constantScale;
    }

    /// <summary>The mean of the underlying normal distribution (the log of the median), broadcast to the batch shape.</summary>
    public Tensor Loc => _locHasBatchShape ? _loc : _loc.expand(BatchShape);

    /// <summary>The standard deviation of the underlying normal distribution, broadcast to the batch shape.</summary>
    public Tensor Scale => _scaleHasBatchShape ? _scale : _scale.expand(BatchShape);

    /// <inheritdoc />
    public override Constraint Support => Constraints.Positive;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => _loc.device;

    /// <inheritdoc />
    public override ScalarType DType => _loc.dtype;

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
    protected internal override Distribution ExpandCore(long[] batchShape) => _constantScale is double c
        ? new LogNormal(_loc.expand(batchShape), TensorUtil.SharedConstantLike(c, _loc), c) // parameters already checked
        : new LogNormal(Loc.expand(batchShape), Scale.expand(batchShape), constantScale: null);

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        var noise = torch.randn(ExtendedShape(sampleShape), dtype: DType, device: Device, generator: generator);
        var log = _constantScale switch
        {
            1.0 => noise.add(_loc),
            double c => TensorUtil.Mul(noise, c).add(_loc),
            null => _loc.addcmul(noise, _scale, One),
        };
        var value = log.exp();
        if (torch.is_grad_enabled()) // Sample draws under no_grad: no pathwise gradient to stand for
        {
            (_lastDraw, _lastNoise, _lastLog) = (value, noise, log);
        }
        return value;
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var logX = Transforms.ExpTransform.LogOf(value);
        var z = _constantScale switch
        {
            1.0 => logX.sub(_loc),
            double c => TensorUtil.Div(logX.sub(_loc), c),
            null => logX.sub(_loc).div(_scale),
        };
        return LogDensity(z, logX);
    }

    /// <inheritdoc />
    internal override Tensor? OwnDrawLogProb(Tensor value)
    {
        if (!ReferenceEquals(value, _lastDraw) || _lastNoise is null || _lastLog is null)
        {
            return null;
        }

        // the standardized log equals the noise (no gradient); log x is the draw's own log
        return LogDensity(_lastNoise, _lastLog);
    }

    /// <summary>
    /// −(log x + log scale + ½ log 2π + ½ z²) for the standardized log <paramref name="z"/>, with
    /// the square fused into one addcmul; a constant scale costs no log op.
    /// </summary>
    private Tensor LogDensity(Tensor z, Tensor logX)
    {
        Tensor shifted;
        if (_constantScale is double c)
        {
            using var normalizer = (Math.Log(c) + HalfLog2Pi).ToScalar();
            shifted = logX.add(normalizer);
        }
        else
        {
            shifted = logX.add(Transforms.ExpTransform.LogOf(_scale)).add(HalfLog2PiScalar);
        }

        return shifted.addcmul(z, z, Half).neg();
    }

    /// <inheritdoc />
    public override string ToString() => $"LogNormal(loc: {ShapeUtil.Format(Loc.Shape())}, scale: {ShapeUtil.Format(Scale.Shape())})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
