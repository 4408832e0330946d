using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The normal (Gaussian) distribution N(loc, scale²), reparameterizable.</summary>
public sealed class Normal : LocationScaleDistribution
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    // Native scalars made once: an implicit double → Scalar conversion per call allocates a
    // finalizable native object, and their finalization is a measurable share of SVI step time.
    private static readonly Scalar MinusHalf = (-0.5).ToScalar();

    /// <summary>N(<paramref name="loc"/>, <paramref name="scale"/>²), parameters broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some loc is not finite or some scale is not positive and finite.</exception>
    public Normal(Tensor loc, Tensor scale)
        : base(loc, scale)
    {
    }

    /// <summary>N(<paramref name="loc"/>, <paramref name="scale"/>²) with a scalar scale on loc's device.</summary>
    public Normal(Tensor loc, double scale)
        : base(loc, scale)
    {
    }

    /// <summary>A scalar N(<paramref name="loc"/>, <paramref name="scale"/>²) on the default device.</summary>
    public Normal(double loc, double scale)
        : base(loc, scale)
    {
    }

    private Normal(Tensor loc, Tensor scale, bool locChecked, bool scaleChecked)
        : base(loc, scale, locChecked, scaleChecked)
    {
    }

    private Normal(Tensor loc, Tensor scale, double? constantScale)
        : base(loc, scale, constantScale, parametersChecked: true)
    {
    }

    /// <summary>
    /// N(loc, scale²) whose parameters the caller has already checked, with
    /// <paramref name="constantScale"/> the value of every entry of <paramref name="scale"/> when it
    /// was given as a <c>double</c> (its cheaper formulas are then used), else null.
    /// </summary>
    internal static Normal Trusted(Tensor loc, Tensor scale, double? constantScale) => new(loc, scale, constantScale);

    /// <summary>N(loc, scale²) whose scale the caller has already checked to be positive and finite; loc is still checked.</summary>
    internal static Normal TrustedScale(Tensor loc, Tensor scale) => new(loc, scale, locChecked: false, scaleChecked: true);

    /// <summary>N(loc, scale²) whose loc (finite) and scale (positive, finite) the caller has already checked.</summary>
    internal static Normal Trusted(Tensor loc, Tensor scale) => new(loc, scale, locChecked: true, scaleChecked: true);

    /// <inheritdoc />
    public override Tensor Mean => Loc.alias();

    /// <inheritdoc />
    public override Tensor Variance => Scale.square();

    /// <inheritdoc />
    public override Tensor Entropy() => Scale.log().add(0.5 + HalfLog2Pi);

    /// <inheritdoc />
    protected override LocationScaleDistribution WithParameters(Tensor loc, Tensor scale) => Trusted(loc, scale);

    /// <inheritdoc />
    protected override Tensor StandardSample(long[] shape, Generator? generator) =>
        torch.randn(shape, dtype: DType, device: Device, generator: generator);

    /// <inheritdoc />
    /// <remarks>One fused op, −½ log 2π + (−½)·z·z, instead of square, scale and shift: three autograd nodes become one.</remarks>
    protected override Tensor StandardLogDensity(Tensor z) => TensorUtil.LibraryConstantLike(-HalfLog2Pi, z).addcmul(z, z, MinusHalf);

    /// <inheritdoc />
    /// <remarks>
    /// −½ log 2π + (−½ / scale²)·d·d: the division folds into the fused op's factor, when that factor is a
    /// normal number of the value's dtype (a scale near the dtype's smallest would make it overflow).
    /// </remarks>
    protected override Tensor StandardLogDensityOfScaled(Tensor centered, double scale)
    {
        double f = -0.5 / (scale * scale);
        bool representable = centered.dtype switch
        {
            ScalarType.Float64 => double.IsNormal(f),
            ScalarType.Float32 => float.IsNormal((float)f),
            _ => false,
        };
        if (!representable)
        {
            return base.StandardLogDensityOfScaled(centered, scale);
        }

        using var factor = f.ToScalar();
        return TensorUtil.LibraryConstantLike(-HalfLog2Pi, centered).addcmul(centered, centered, factor);
    }
}
