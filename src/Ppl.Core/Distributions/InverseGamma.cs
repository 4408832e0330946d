using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The inverse-gamma distribution: the law of 1/Y for Y ~ Gamma(<see cref="Concentration"/> α,
/// <see cref="Rate"/> β), density β^α x^(−α−1) e^(−β/x) / Γ(α) on x &gt; 0. Reparameterizable,
/// since the reciprocal carries the gamma draw's implicit gradient.
/// </summary>
public sealed class InverseGamma : Distribution
{
    /// <summary>InverseGamma(<paramref name="concentration"/>, <paramref name="rate"/>), parameters broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some concentration or rate is not positive.</exception>
    public InverseGamma(Tensor concentration, Tensor rate)
        : this(concentration, rate, validate: true)
    {
    }

    /// <summary>InverseGamma(<paramref name="concentration"/>, <paramref name="rate"/>) with a scalar rate on the concentration's device.</summary>
    /// <exception cref="ArgumentException">Validation is on and some parameter is not positive.</exception>
    public InverseGamma(Tensor concentration, double rate)
        : this(concentration, TensorUtil.ScalarLike(rate, Checked(concentration)))
    {
    }

    /// <summary>A scalar InverseGamma(<paramref name="concentration"/>, <paramref name="rate"/>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and some parameter is not positive.</exception>
    public InverseGamma(double concentration, double rate)
        : this(TensorUtil.Scalar(concentration), TensorUtil.Scalar(rate))
    {
    }

    private InverseGamma(Tensor concentration, Tensor rate, bool validate)
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

    /// <summary>The shape parameter α (of the gamma whose reciprocal this is).</summary>
    public Tensor Concentration { get; }

    /// <summary>The scale β of this distribution, which is the rate of the underlying gamma.</summary>
    public Tensor Rate { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.Positive;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => Concentration.device;

    /// <inheritdoc />
    public override ScalarType DType => Concentration.dtype;

    /// <summary>β/(α − 1) for α &gt; 1; +∞ where α ≤ 1 (the integral diverges).</summary>
    public override Tensor Mean => Rate.div(Concentration.sub(1)).masked_fill(Concentration.le(1), double.PositiveInfinity);

    /// <summary>β²/((α − 1)²(α − 2)) for α &gt; 2; +∞ where α ≤ 2.</summary>
    public override Tensor Variance
    {
        get
        {
            var am1 = Concentration.sub(1);
            return Rate.square().div(am1.square().mul(Concentration.sub(2))).masked_fill(Concentration.le(2), double.PositiveInfinity);
        }
    }

    /// <inheritdoc />
    public override Tensor Entropy() =>
        Concentration.add(Rate.log()).add(Concentration.lgamma()).sub(Concentration.add(1).mul(Concentration.digamma()));

    /// <summary>Builds without re-checking parameters a validated instance already checked (for <see cref="ExpandCore"/> and other internal reuse); shapes must already broadcast.</summary>
    internal static InverseGamma Trusted(Tensor concentration, Tensor rate) => new(concentration, rate, validate: false);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        Trusted(Concentration.expand(batchShape), Rate.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        // the gamma draw is already ≥ the smallest normal, so its reciprocal is finite; the clamp
        // covers the opposite underflow when the gamma draw is huge
        var y = Gamma.Trusted(Concentration, Rate).SampleCore(generator, sampleShape);
        return y.reciprocal().clamp_min(Kernels.Tiny(DType));
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value) =>
        Concentration.mul(Rate.log())
            .sub(Concentration.lgamma())
            .sub(Concentration.add(1).mul(value.log()))
            .sub(Rate.div(value));

    /// <inheritdoc />
    public override string ToString() =>
        $"InverseGamma(concentration: {ShapeUtil.Format(Concentration.Shape())}, rate: {ShapeUtil.Format(Rate.Shape())})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
