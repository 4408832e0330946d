using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The negative binomial distribution in PyTorch's parametrization: the number of successes,
/// each with probability <see cref="Probs"/>, before <see cref="TotalCount"/> failures (a real
/// count is allowed, giving the Gamma–Poisson mixture). Draws are in the parameters' floating dtype.
/// </summary>
public sealed class NegativeBinomial : Distribution
{
    private NegativeBinomial(Tensor totalCount, Tensor logits)
        : base(ShapeUtil.Broadcast(totalCount.Shape(), logits.Shape()), [])
    {
        TotalCount = totalCount.to(logits.dtype).expand(BatchShape);
        Logits = logits.expand(BatchShape);
    }

    /// <summary>Negative binomial with <paramref name="totalCount"/> failures and success probabilities <paramref name="probs"/> in [0, 1), broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and a count is negative or infinite, or a probability is outside [0, 1).</exception>
    public static NegativeBinomial FromProbs(Tensor totalCount, Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(totalCount);
        ArgumentNullException.ThrowIfNull(probs);
        var d = new NegativeBinomial(totalCount, Kernels.ProbsToLogits(probs));
        d.RequireCount(totalCount);
        d.Require(probs, nameof(probs), "in [0, 1)", p => p.ge(0).logical_and(p.lt(1)));
        return d;
    }

    /// <summary>Negative binomial with a scalar count on the device of <paramref name="probs"/>.</summary>
    /// <exception cref="ArgumentException">Validation is on and the count is negative or infinite, or a probability is outside [0, 1).</exception>
    public static NegativeBinomial FromProbs(double totalCount, Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(probs);
        return FromProbs(TensorUtil.ScalarLike(totalCount, probs), probs);
    }

    /// <summary>Negative binomial with <paramref name="totalCount"/> failures and success log-odds <paramref name="logits"/>, broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and a count is negative or infinite, or a logit is not finite.</exception>
    public static NegativeBinomial FromLogits(Tensor totalCount, Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(totalCount);
        ArgumentNullException.ThrowIfNull(logits);
        var d = new NegativeBinomial(totalCount, logits);
        d.RequireCount(totalCount);
        d.RequireFinite(logits, nameof(logits));
        return d;
    }

    /// <summary>Negative binomial with a scalar count on the device of <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">Validation is on and the count is negative or infinite, or a logit is not finite.</exception>
    public static NegativeBinomial FromLogits(double totalCount, Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        return FromLogits(TensorUtil.ScalarLike(totalCount, logits), logits);
    }

    /// <summary>NegativeBinomial from numbers only, in torch's default floating dtype (<c>torch.get_default_dtype()</c>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and the count is negative or infinite, or the probability is outside [0, 1).</exception>
    public static NegativeBinomial FromProbs(double totalCount, double probs) => FromProbs(totalCount, TensorUtil.Scalar(probs));

    /// <summary>NegativeBinomial from numbers only (log-odds <paramref name="logits"/>), in torch's default floating dtype (<c>torch.get_default_dtype()</c>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and the count is invalid or the logit is not finite.</exception>
    public static NegativeBinomial FromLogits(double totalCount, double logits) => FromLogits(totalCount, TensorUtil.Scalar(logits));

    /// <summary>The number of failures that ends the experiment (non-negative, not necessarily integer).</summary>
    public Tensor TotalCount { get; }

    /// <summary>Log-odds of success.</summary>
    public Tensor Logits { get; }

    /// <summary>Probabilities of success.</summary>
    public Tensor Probs => Logits.sigmoid();

    /// <inheritdoc />
    public override Constraint Support => Constraints.NonNegativeInteger;

    /// <inheritdoc />
    public override Device Device => Logits.device;

    /// <inheritdoc />
    public override ScalarType DType => Logits.dtype;

    /// <inheritdoc />
    public override Tensor Mean => TotalCount.mul(Logits.exp()); // r·p/(1 − p)

    /// <inheritdoc />
    public override Tensor Variance => Mean.div(Logits.neg().sigmoid()); // r·p/(1 − p)²

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        new NegativeBinomial(TotalCount.expand(batchShape), Logits.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        // Gamma–Poisson mixture: rate ~ Gamma(r, scale p/(1 − p)), then Poisson(rate)
        long[] shape = ExtendedShape(sampleShape);
        var gamma = Kernels.StandardGamma(TotalCount.expand(shape).contiguous(), generator);
        return Kernels.Poisson(gamma.mul(Logits.exp()), generator);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var k = Kernels.AsFloating(value, DType);
        var r = TotalCount;

        // k·log p + r·log(1 − p) + log Γ(r + k) − log Γ(k + 1) − log Γ(r)
        var unnormalized = k.mul(Kernels.Softplus(Logits.neg())).add(r.mul(Kernels.Softplus(Logits))).neg();

        // r = 0 puts all mass on k = 0, where the Γ terms are ∞ − ∞
        var logChoose = r.add(k).lgamma().sub(k.add(1).lgamma()).sub(r.lgamma()).masked_fill(r.add(k).eq(0), 0.0);
        return unnormalized.add(logChoose);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"NegativeBinomial(total_count: {ShapeUtil.Format(TotalCount.Shape())}, logits: {ShapeUtil.Format(Logits.Shape())})";

    private void RequireCount(Tensor totalCount) => RequireNonNegative(totalCount, "totalCount");
}
