using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The continuous uniform distribution on [<c>low</c>, <c>high</c>), reparameterizable.</summary>
public sealed class Uniform : Distribution
{
    /// <summary>Uniform on [<paramref name="low"/>, <paramref name="high"/>), bounds broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some bound is not finite or some low is not below its high.</exception>
    public Uniform(Tensor low, Tensor high)
        : base(ShapeUtil.Broadcast(Checked(low).Shape(), Checked(high).Shape()), [])
    {
        Low = low.expand(BatchShape);
        High = high.expand(BatchShape);
        RequireBounds(low, high);
    }

    /// <summary>A scalar uniform distribution on [<paramref name="low"/>, <paramref name="high"/>) on the default device.</summary>
    public Uniform(double low, double high)
        : this(TensorUtil.Scalar(low), TensorUtil.Scalar(high))
    {
    }

    /// <summary>The lower bound (included).</summary>
    public Tensor Low { get; }

    /// <summary>The upper bound (excluded).</summary>
    public Tensor High { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.HalfOpenInterval(Low, High);

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => Low.device;

    /// <inheritdoc />
    public override ScalarType DType => Low.dtype;

    /// <inheritdoc />
    public override Tensor Mean => Low.add(High).mul(0.5);

    /// <inheritdoc />
    public override Tensor Variance => High.sub(Low).square().div(12);

    /// <inheritdoc />
    public override Tensor Entropy() => High.sub(Low).log();

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => new Uniform(Low.expand(batchShape), High.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        var u = torch.rand(ExtendedShape(sampleShape), dtype: DType, device: Device, generator: generator);
        return u.mul(High.sub(Low)).add(Low);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        // the indicator as a product of 0/1 factors (logical_and has no meta kernel); its log is
        // 0 inside and −∞ outside, which only matters with validation off
        var inside = value.ge(Low).to(DType).mul(value.lt(High).to(DType));
        return inside.log().sub(High.sub(Low).log());
    }

    /// <inheritdoc />
    public override string ToString() => $"Uniform(low: {ShapeUtil.Format(Low.Shape())}, high: {ShapeUtil.Format(High.Shape())})";

    /// <summary>Finite bounds with low &lt; high: one reduction for all three, then a failure is told apart.</summary>
    private void RequireBounds(Tensor low, Tensor high)
    {
        if (!ParameterCheck.Applies(Low))
        {
            return;
        }

        using (no_grad())
        using (NewDisposeScope())
        {
            if (Low.isfinite().logical_and(High.isfinite()).logical_and(Low.lt(High)).all().ToBoolean())
            {
                return;
            }
        }

        RequireFinite(low, nameof(low));
        RequireFinite(high, nameof(high));
        Require(Low, nameof(low), "less than high", l => l.lt(High));
    }

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
