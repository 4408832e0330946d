using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The gamma distribution with shape <see cref="Concentration"/> α and inverse scale
/// <see cref="Rate"/> β: density β^α x^(α−1) e^(−βx) / Γ(α) on x ≥ 0. Reparameterizable through
/// implicit differentiation of the standard gamma sampler.
/// </summary>
public sealed class Gamma : Distribution
{
    /// <summary>Gamma(<paramref name="concentration"/>, <paramref name="rate"/>), parameters broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some concentration or rate is not positive.</exception>
    public Gamma(Tensor concentration, Tensor rate)
        : this(concentration, rate, validate: true)
    {
    }

    /// <summary>Gamma(<paramref name="concentration"/>, <paramref name="rate"/>) with a scalar rate on the concentration's device.</summary>
    /// <exception cref="ArgumentException">Validation is on and some parameter is not positive.</exception>
    public Gamma(Tensor concentration, double rate)
        : this(concentration, TensorUtil.ScalarLike(rate, Checked(concentration)))
    {
    }

    /// <summary>A scalar Gamma(<paramref name="concentration"/>, <paramref name="rate"/>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and some parameter is not positive.</exception>
    public Gamma(double concentration, double rate)
        : this(TensorUtil.Scalar(concentration), TensorUtil.Scalar(rate))
    {
    }

    private Gamma(Tensor concentration, Tensor rate, bool validate)
        : base(ShapeUtil.Broadcast(Checked(concentration).Shape(), Checked(rate).Shape()), [])
    {
        Concentration = concentration.expand(BatchShape);
        Rate = rate.expand(BatchShape);
        if (validate)
        {
            RequirePositive(concentration, nameof(concentration));
            RequirePositive(rate, nameof(rate));
        }
    }

    /// <summary>The shape parameter α.</summary>
    public Tensor Concentration { get; }

    /// <summary>The inverse scale β.</summary>
    public Tensor Rate { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.NonNegative;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => Concentration.device;

    /// <inheritdoc />
    public override ScalarType DType => Concentration.dtype;

    /// <inheritdoc />
    public override Tensor Mean => Concentration.div(Rate);

    /// <inheritdoc />
    public override Tensor Variance => Concentration.div(Rate.square());

    /// <inheritdoc />
    public override Tensor Entropy() =>
        Concentration.sub(Rate.log()).add(Concentration.lgamma()).add(Concentration.neg().add(1).mul(Concentration.digamma()));

    /// <summary>Builds without re-checking parameters a validated instance already checked (for <see cref="ExpandCore"/> and other internal reuse); shapes must already broadcast.</summary>
    internal static Gamma Trusted(Tensor concentration, Tensor rate) => new(concentration, rate, validate: false);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => Trusted(Concentration.expand(batchShape), Rate.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        var shape = ExtendedShape(sampleShape);
        var x = Kernels.StandardGamma(Concentration.expand(shape), generator).div(Rate.expand(shape));
        return x.clamp_min(Kernels.Tiny(DType)); // after the division, since a large rate can underflow too
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        // xlogy keeps the density at x = 0 right for α = 1 (0·log 0 = 0)
        return torch.xlogy(Concentration.sub(1), value)
            .add(Concentration.mul(Rate.log()))
            .sub(Rate.mul(value))
            .sub(Concentration.lgamma());
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"Gamma(concentration: {ShapeUtil.Format(Concentration.Shape())}, rate: {ShapeUtil.Format(Rate.Shape())})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
