using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The Bernoulli distribution over {0, 1}, given by probabilities or logits.</summary>
public sealed class Bernoulli : Distribution
{
    private Bernoulli(Tensor logits)
        : base(logits.Shape(), [])
    {
        Logits = logits;
    }

    /// <summary>Bernoulli with success probabilities <paramref name="probs"/> in [0, 1].</summary>
    /// <exception cref="ArgumentException">Validation is on and some probability is outside [0, 1].</exception>
    public static Bernoulli FromProbs(Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(probs);
        var d = new Bernoulli(Kernels.ProbsToLogits(probs));
        d.Require(probs, nameof(probs), "in [0, 1]", p => p.ge(0).logical_and(p.le(1)));
        return d;
    }

    /// <summary>Bernoulli with log-odds <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">
    /// Validation is on and some logit is not finite (±∞, a probability of exactly 0 or 1, gives NaN
    /// log-masses; <see cref="FromProbs(Tensor)"/> accepts 0 and 1).
    /// </exception>
    public static Bernoulli FromLogits(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var d = new Bernoulli(logits);
        d.RequireFinite(logits, nameof(logits));
        return d;
    }

    /// <summary>Bernoulli with success probability <paramref name="probs"/> in [0, 1], in torch's default floating dtype (<c>torch.get_default_dtype()</c>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and the probability is outside [0, 1].</exception>
    public static Bernoulli FromProbs(double probs) => FromProbs(TensorUtil.Scalar(probs));

    /// <summary>Bernoulli with log-odds <paramref name="logits"/>, in torch's default floating dtype (<c>torch.get_default_dtype()</c>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and the logit is not finite.</exception>
    public static Bernoulli FromLogits(double logits) => FromLogits(TensorUtil.Scalar(logits));

    /// <summary>Log-odds of success.</summary>
    public Tensor Logits { get; }

    /// <summary>Probabilities of success.</summary>
    public Tensor Probs => Logits.sigmoid();

    /// <inheritdoc />
    public override Constraint Support => Constraints.Boolean;

    /// <inheritdoc />
    public override Device Device => Logits.device;

    /// <inheritdoc />
    public override bool HasEnumerateSupport => true;

    /// <inheritdoc />
    protected internal override Tensor EnumerateSupportCore() => torch.arange(2, dtype: DType, device: Device);

    /// <inheritdoc />
    public override ScalarType DType => Logits.dtype;

    /// <inheritdoc />
    public override Tensor Mean => Probs;

    /// <inheritdoc />
    public override Tensor Variance
    {
        get
        {
            var p = Probs;
            return p.mul(p.neg().add(1));
        }
    }

    /// <inheritdoc />
    public override Tensor Entropy() =>
        nn.functional.binary_cross_entropy_with_logits(Logits, Probs, reduction: nn.Reduction.None);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => new Bernoulli(Logits.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape) =>
        torch.bernoulli(Probs.expand(ExtendedShape(sampleShape)), generator);

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        // log p(x) = x·logits − softplus(logits), stable for large |logits|
        return value.mul(Logits).sub(nn.functional.softplus(Logits));
    }

    /// <inheritdoc />
    public override string ToString() => $"Bernoulli(logits: {ShapeUtil.Format(Logits.Shape())})";
}
