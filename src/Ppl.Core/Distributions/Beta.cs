using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The beta distribution on [0, 1] with density x^(a−1) (1−x)^(b−1) / B(a, b), where
/// a = <see cref="Concentration1"/> and b = <see cref="Concentration0"/>. Draws are X/(X+Y) for
/// independent X ~ Gamma(a, 1), Y ~ Gamma(b, 1), so gradients flow through both gamma draws.
/// </summary>
public sealed class Beta : Distribution
{
    /// <summary>Beta(<paramref name="concentration1"/>, <paramref name="concentration0"/>), parameters broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some concentration is not positive.</exception>
    public Beta(Tensor concentration1, Tensor concentration0)
        : this(concentration1, concentration0, validate: true)
    {
    }

    /// <summary>Beta(<paramref name="concentration1"/>, <paramref name="concentration0"/>) with a scalar second concentration.</summary>
    /// <exception cref="ArgumentException">Validation is on and some concentration is not positive.</exception>
    public Beta(Tensor concentration1, double concentration0)
        : this(concentration1, TensorUtil.ScalarLike(concentration0, Checked(concentration1)))
    {
    }

    /// <summary>A scalar Beta(<paramref name="concentration1"/>, <paramref name="concentration0"/>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and some concentration is not positive.</exception>
    public Beta(double concentration1, double concentration0)
        : this(TensorUtil.Scalar(concentration1), TensorUtil.Scalar(concentration0))
    {
    }

    private Beta(Tensor concentration1, Tensor concentration0, bool validate)
        : base(ShapeUtil.Broadcast(Checked(concentration1).Shape(), Checked(concentration0).Shape()), [])
    {
        Concentration1 = concentration1.expand(BatchShape);
        Concentration0 = concentration0.expand(BatchShape);
        if (validate)
        {
            RequirePositive(concentration1, nameof(concentration1));
            RequirePositive(concentration0, nameof(concentration0));
        }
    }

    /// <summary>The exponent a of x (pseudo-count of ones).</summary>
    public Tensor Concentration1 { get; }

    /// <summary>The exponent b of 1 − x (pseudo-count of zeros).</summary>
    public Tensor Concentration0 { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.UnitInterval;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => Concentration1.device;

    /// <inheritdoc />
    public override ScalarType DType => Concentration1.dtype;

    /// <inheritdoc />
    public override Tensor Mean => Concentration1.div(Concentration1.add(Concentration0));

    /// <inheritdoc />
    public override Tensor Variance
    {
        get
        {
            var total = Concentration1.add(Concentration0);
            return Concentration1.mul(Concentration0).div(total.square().mul(total.add(1)));
        }
    }

    /// <inheritdoc />
    public override Tensor Entropy()
    {
        var a = Concentration1;
        var b = Concentration0;
        var total = a.add(b);
        return Kernels.LogBeta(a, b)
            .sub(a.sub(1).mul(a.digamma()))
            .sub(b.sub(1).mul(b.digamma()))
            .add(total.sub(2).mul(total.digamma()));
    }

    /// <summary>Builds without re-checking parameters a validated instance already checked (for <see cref="ExpandCore"/> and other internal reuse); shapes must already broadcast.</summary>
    internal static Beta Trusted(Tensor concentration1, Tensor concentration0) => new(concentration1, concentration0, validate: false);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        Trusted(Concentration1.expand(batchShape), Concentration0.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        var shape = ExtendedShape(sampleShape);
        var x = Kernels.PositiveStandardGamma(Concentration1, shape, generator);
        var y = Kernels.PositiveStandardGamma(Concentration0, shape, generator);

        // keep draws strictly inside (0, 1) so that log-densities of small concentrations stay finite
        return x.div(x.add(y)).clamp(Kernels.Tiny(DType), 1 - Kernels.Eps(DType));
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value) =>
        torch.xlogy(Concentration1.sub(1), value)
            .add(torch.xlogy(Concentration0.sub(1), value.neg().add(1)))
            .sub(Kernels.LogBeta(Concentration1, Concentration0));

    /// <inheritdoc />
    public override string ToString() =>
        $"Beta(concentration1: {ShapeUtil.Format(Concentration1.Shape())}, concentration0: {ShapeUtil.Format(Concentration0.Shape())})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
