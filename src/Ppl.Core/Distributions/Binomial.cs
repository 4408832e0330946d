using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The binomial distribution: the number of successes in <see cref="TotalCount"/> independent
/// trials with success probability <see cref="Probs"/>. Draws are in the parameters' floating dtype.
/// </summary>
public sealed class Binomial : Distribution
{
    private Binomial(Tensor totalCount, Tensor logits)
        : base(ShapeUtil.Broadcast(totalCount.Shape(), logits.Shape()), [])
    {
        TotalCount = totalCount.to(logits.dtype).expand(BatchShape);
        Logits = logits.expand(BatchShape);
    }

    /// <summary>Binomial with <paramref name="totalCount"/> trials and success probabilities <paramref name="probs"/> in [0, 1], broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and a count is not a non-negative integer or a probability is outside [0, 1].</exception>
    public static Binomial FromProbs(Tensor totalCount, Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(totalCount);
        ArgumentNullException.ThrowIfNull(probs);
        var d = new Binomial(totalCount, Kernels.ProbsToLogits(probs));
        d.RequireCount(totalCount);
        d.Require(probs, nameof(probs), "in [0, 1]", p => p.ge(0).logical_and(p.le(1)));
        return d;
    }

    /// <summary>Binomial with a scalar number of trials on the device of <paramref name="probs"/>.</summary>
    /// <exception cref="ArgumentException">Validation is on and the count is not a non-negative integer or a probability is outside [0, 1].</exception>
    public static Binomial FromProbs(double totalCount, Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(probs);
        return FromProbs(TensorUtil.ScalarLike(totalCount, probs), probs);
    }

    /// <summary>Binomial with <paramref name="totalCount"/> trials and success log-odds <paramref name="logits"/>, broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and a count is not a non-negative integer or a logit is not finite.</exception>
    public static Binomial FromLogits(Tensor totalCount, Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(totalCount);
        ArgumentNullException.ThrowIfNull(logits);
        var d = new Binomial(totalCount, logits);
        d.RequireCount(totalCount);
        d.RequireFinite(logits, nameof(logits));
        return d;
    }

    /// <summary>Binomial with a scalar number of trials on the device of <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">Validation is on and the count is not a non-negative integer or a logit is not finite.</exception>
    public static Binomial FromLogits(double totalCount, Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        return FromLogits(TensorUtil.ScalarLike(totalCount, logits), logits);
    }

    /// <summary>Binomial from numbers only, in torch's default floating dtype (<c>torch.get_default_dtype()</c>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and the count is not a non-negative integer or the probability is outside [0, 1].</exception>
    public static Binomial FromProbs(double totalCount, double probs) => FromProbs(totalCount, TensorUtil.Scalar(probs));

    /// <summary>Binomial from numbers only (log-odds <paramref name="logits"/>), in torch's default floating dtype (<c>torch.get_default_dtype()</c>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and the count is invalid or the logit is not finite.</exception>
    public static Binomial FromLogits(double totalCount, double logits) => FromLogits(totalCount, TensorUtil.Scalar(logits));

    /// <summary>The number of trials (in the floating dtype), shape <see cref="Distribution.BatchShape"/>.</summary>
    public Tensor TotalCount { get; }

    /// <summary>Log-odds of success.</summary>
    public Tensor Logits { get; }

    /// <summary>Probabilities of success.</summary>
    public Tensor Probs => Logits.sigmoid();

    /// <inheritdoc />
    public override Constraint Support => Constraints.IntegerInterval(0, TotalCount);

    /// <inheritdoc />
    public override Device Device => Logits.device;

    /// <inheritdoc />
    public override ScalarType DType => Logits.dtype;

    /// <inheritdoc />
    public override Tensor Mean => TotalCount.mul(Probs);

    /// <inheritdoc />
    public override Tensor Variance => TotalCount.mul(Probs).mul(Logits.neg().sigmoid());

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        new Binomial(TotalCount.expand(batchShape), Logits.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        long[] shape = ExtendedShape(sampleShape);
        return Kernels.Binomial(TotalCount.expand(shape).contiguous(), Probs.expand(shape).contiguous(), generator);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var k = Kernels.AsFloating(value, DType);
        var n = TotalCount;

        // k·log p + (n − k)·log(1 − p) = k·logits − n·log(1 + e^logits), stable for any logits
        var logChoose = n.add(1).lgamma().sub(k.add(1).lgamma()).sub(n.sub(k).add(1).lgamma());
        return k.mul(Logits).sub(n.mul(Kernels.Softplus(Logits))).add(logChoose);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"Binomial(total_count: {ShapeUtil.Format(TotalCount.Shape())}, logits: {ShapeUtil.Format(Logits.Shape())})";

    private void RequireCount(Tensor totalCount) =>
        Require(totalCount, "totalCount", "a non-negative integer", n => n.ge(0).logical_and(n.eq(n.floor())).logical_and(n.isfinite()));
}
