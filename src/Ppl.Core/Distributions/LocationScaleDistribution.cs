using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// A family of laws of loc + scale · Z for a fixed standard variable Z on the reals (Normal,
/// Cauchy, Laplace, Gumbel). The shared parts live here once: broadcasting and validating the
/// parameters, expanding them, the pathwise sampler, and log p(x) = log p_Z((x − loc)/scale) − log scale.
/// A family supplies the standard draw and the standard log-density.
/// </summary>
public abstract class LocationScaleDistribution : Distribution
{
    /// <summary>Broadcasts <paramref name="loc"/> and <paramref name="scale"/> and checks that loc is finite and scale positive and finite.</summary>
    /// <exception cref="ArgumentException">Validation is on and some loc is not finite or some scale is not positive and finite.</exception>
    protected LocationScaleDistribution(Tensor loc, Tensor scale)
        : this(loc, scale, constantScale: null)
    {
        RequireFinite(loc, nameof(loc));
        RequirePositive(scale, nameof(scale));
    }

    /// <summary>
    /// A constant scale on <paramref name="loc"/>'s device, checked in managed code as loc's dtype
    /// stores it: a tensor check would cost three native ops and a device sync per distribution,
    /// which dominates models that build many scalar distributions per step. Scales of 0 and 1
    /// (and a location built from 0 or 1 by <see cref="SharedConstant"/>) are shared read-only tensors.
    /// </summary>
    /// <exception cref="ArgumentException">Validation is on and some loc is not finite or <paramref name="scale"/> is not positive and finite in loc's dtype.</exception>
    protected LocationScaleDistribution(Tensor loc, double scale)
        : this(loc, TensorUtil.SharedConstantLike(scale, loc ?? throw new ArgumentNullException(nameof(loc))), constantScale: scale)
    {
        RequirePositiveScalar(scale, loc.dtype, nameof(scale));
        RequireFinite(loc, nameof(loc));
    }

    /// <summary>
    /// A scalar distribution on the default device with the default dtype, both parameters checked
    /// in managed code as that dtype stores them (no tensor op, no device sync).
    /// </summary>
    /// <exception cref="ArgumentException">Validation is on and <paramref name="loc"/> is not finite or <paramref name="scale"/> is not positive and finite in the default dtype.</exception>
    protected LocationScaleDistribution(double loc, double scale)
        : this(TensorUtil.SharedConstant(loc), TensorUtil.SharedConstant(scale), constantScale: scale)
    {
        RequireFiniteScalar(loc, DType, nameof(loc));
        RequirePositiveScalar(scale, DType, nameof(scale));
    }

    /// <summary>For callers that validated the scale (e.g. once for many stacked scales) or both parameters (an expansion of checked ones) themselves.</summary>
    private protected LocationScaleDistribution(Tensor loc, Tensor scale, bool locChecked, bool scaleChecked)
        : this(loc, scale, constantScale: null)
    {
        if (!locChecked)
        {
            RequireFinite(loc, nameof(loc));
        }

        if (!scaleChecked)
        {
            RequirePositive(scale, nameof(scale));
        }
    }

    /// <summary>For callers that validated both parameters themselves, keeping a constant scale's cheaper formulas (LogNormal's underlying normal).</summary>
    private protected LocationScaleDistribution(Tensor loc, Tensor scale, double? constantScale, bool parametersChecked)
        : this(loc, scale, constantScale)
    {
        if (!parametersChecked)
        {
            RequireFinite(loc, nameof(loc));
            RequirePositive(scale, nameof(scale));
        }
    }

    private LocationScaleDistribution(Tensor loc, Tensor scale, double? constantScale)
        : base(ShapeUtil.Broadcast(Checked(loc).Shape(), Checked(scale).Shape()), [])
    {
        // The parameters are kept as given and expanded only when read through Loc/Scale: the
        // densities and draws broadcast them, so an expand op per distribution (and an expand
        // node, a reduction in backward, in every gradient through it) is never paid for.
        _loc = loc;
        _scale = scale;
        _locHasBatchShape = ShapeUtil.SameShape(loc.Shape(), BatchShape);
        _scaleHasBatchShape = ShapeUtil.SameShape(scale.Shape(), BatchShape);
        _constantScale = constantScale;
    }

    private static readonly Scalar One = 1.0.ToScalar();
    private readonly Tensor _loc;
    private readonly Tensor _scale;
    private readonly double? _constantScale;
    private readonly bool _locHasBatchShape;
    private readonly bool _scaleHasBatchShape;

    /// <summary>A 0-dim tensor of <paramref name="value"/> on the default device and dtype; 0 and 1 are shared read-only constants.</summary>
    protected static Tensor SharedConstant(double value) => TensorUtil.SharedConstant(value);

    /// <summary>The location, broadcast to the batch shape (a fresh expanded view on each read when the given tensor was smaller).</summary>
    public Tensor Loc => _locHasBatchShape ? _loc : _loc.expand(BatchShape);

    /// <summary>The scale, broadcast to the batch shape (a fresh expanded view on each read when the given tensor was smaller).</summary>
    public Tensor Scale => _scaleHasBatchShape ? _scale : _scale.expand(BatchShape);

    /// <summary>The scale's dtype, read without expanding it.</summary>
    internal ScalarType ScaleDType => _scale.dtype;

    /// <summary>The location as given (not expanded).</summary>
    internal Tensor LocAsGiven => _loc;

    /// <summary>The scale as given (not expanded), for formulas that broadcast it.</summary>
    internal Tensor ScaleAsGiven => _scale;

    /// <summary>The scale when it was given as a <c>double</c> (then no formula needs its log or a division by a tensor); null otherwise.</summary>
    internal double? ConstantScale => _constantScale;

    /// <inheritdoc />
    public override Constraint Support => Constraints.Real;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => _loc.device;

    /// <inheritdoc />
    public override ScalarType DType => _loc.dtype;

    /// <summary>The same family with other (already broadcast and already validated) parameters.</summary>
    protected abstract LocationScaleDistribution WithParameters(Tensor loc, Tensor scale);

    /// <summary>Draws of the standard variable Z, shape <paramref name="shape"/>.</summary>
    protected abstract Tensor StandardSample(long[] shape, Generator? generator);

    /// <summary>log p_Z(z) elementwise.</summary>
    protected abstract Tensor StandardLogDensity(Tensor z);

    /// <inheritdoc />
    protected internal sealed override Distribution ExpandCore(long[] batchShape) => WithParameters(_loc.expand(batchShape), _scale.expand(batchShape));

    /// <inheritdoc />
    protected internal sealed override Tensor SampleCore(Generator? generator, long[] sampleShape) =>
        Affine(StandardSample(ExtendedShape(sampleShape), generator));

    /// <inheritdoc />
    internal sealed override (Tensor Value, DrawNoise? Noise) SampleWithNoise(Generator? generator, long[] sampleShape)
    {
        var noise = StandardSample(ExtendedShape(sampleShape), generator);
        return (Affine(noise), new DrawNoise(noise));
    }

    /// <inheritdoc />
    protected internal sealed override Tensor LogProbCore(Tensor value) => _constantScale switch
    {
        // a constant scale needs neither the division nor a log op (and their backward nodes)
        1.0 => StandardLogDensity(Standardize(value)),
        double c => TensorUtil.Sub(StandardLogDensityOfScaled(value.sub(_loc), c), Math.Log(c)),
        null => LogProbOf(value, _loc, _scale),
    };

    /// <summary>
    /// The standard log-density at <paramref name="centered"/> / <paramref name="scale"/> (value − loc over a constant
    /// scale): by default the division then <see cref="StandardLogDensity"/>; a family whose density folds the
    /// division into one fused op overrides it.
    /// </summary>
    protected virtual Tensor StandardLogDensityOfScaled(Tensor centered, double scale) =>
        StandardLogDensity(TensorUtil.Div(centered, scale));

    /// <inheritdoc />
    /// <remarks>
    /// (value − loc) / scale is the noise itself, whose log-density has no gradient; only −log scale
    /// carries one, and its total derivative equals that of the full formula.
    /// </remarks>
    internal sealed override Tensor? LogProbFromNoise(Tensor value, DrawNoise noise)
    {
        if (noise.Standard is not { } standardNoise)
        {
            return null;
        }

        var standard = StandardLogDensity(standardNoise);
        return _constantScale switch
        {
            1.0 => standard,
            double c => TensorUtil.Sub(standard, Math.Log(c)),
            // log q of a draw is evaluated right after the guide ran: a scale from a positive
            // parameter is exp of that parameter as it is now
            null => standard.sub(Transforms.ExpTransform.LogOf(_scale, leafPreimages: true)),
        };
    }

    /// <summary>loc + scale · <paramref name="noise"/>: the pathwise draw from standard noise (one op and one autograd node).</summary>
    internal Tensor Affine(Tensor noise) => _constantScale switch
    {
        1.0 => noise.add(_loc),
        double c => TensorUtil.Mul(noise, c).add(_loc),
        null => _loc.addcmul(noise, _scale, One),
    };

    /// <summary>(<paramref name="value"/> − loc) / scale, the standardized value (no division for a constant scale of 1).</summary>
    internal Tensor Standardize(Tensor value) => _constantScale switch
    {
        1.0 => value.sub(_loc),
        double c => TensorUtil.Div(value.sub(_loc), c),
        null => value.sub(_loc).div(_scale),
    };

    /// <summary>
    /// This family's log-density of <paramref name="value"/> under other parameters of the same
    /// shape, without validation: the same formula as <see cref="LogProbCore"/>, so several
    /// same-family sites can be evaluated in one call on their stacked values and parameters.
    /// </summary>
    internal Tensor LogProbOf(Tensor value, Tensor loc, Tensor scale) =>
        StandardLogDensity(value.sub(loc).div(scale)).sub(Transforms.ExpTransform.LogOf(scale));

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name}(loc: {ShapeUtil.Format(Loc.Shape())}, scale: {ShapeUtil.Format(Scale.Shape())})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
