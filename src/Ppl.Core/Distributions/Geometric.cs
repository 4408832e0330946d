using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The geometric distribution of the number of failures before the first success (PyTorch's
/// convention, support {0, 1, …}), with success probability <see cref="Probs"/>. Draws are in the
/// parameters' floating dtype.
/// </summary>
public sealed class Geometric : Distribution
{
    private Geometric(Tensor logits)
        : base(logits.Shape(), [])
    {
        Logits = logits;
    }

    /// <summary>Geometric with success probabilities <paramref name="probs"/> in (0, 1].</summary>
    /// <exception cref="ArgumentException">Validation is on and some probability is outside (0, 1].</exception>
    public static Geometric FromProbs(Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(probs);
        var d = new Geometric(Kernels.ProbsToLogits(probs));
        d.Require(probs, nameof(probs), "in (0, 1]", p => p.gt(0).logical_and(p.le(1)));
        return d;
    }

    /// <summary>Geometric with success log-odds <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">Validation is on and some logit is not finite (use <see cref="FromProbs(Tensor)"/> for a probability of 1).</exception>
    public static Geometric FromLogits(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var d = new Geometric(logits);
        d.RequireFinite(logits, nameof(logits));
        return d;
    }

    /// <summary>Geometric with success probability <paramref name="probs"/> in (0, 1], in torch's default floating dtype (<c>torch.get_default_dtype()</c>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and the probability is outside (0, 1].</exception>
    public static Geometric FromProbs(double probs) => FromProbs(TensorUtil.Scalar(probs));

    /// <summary>Geometric with success log-odds <paramref name="logits"/>, in torch's default floating dtype (<c>torch.get_default_dtype()</c>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and the logit is not finite.</exception>
    public static Geometric FromLogits(double logits) => FromLogits(TensorUtil.Scalar(logits));

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
    public override Tensor Mean => Logits.neg().exp(); // (1 − p)/p

    /// <inheritdoc />
    public override Tensor Variance => Logits.neg().exp().div(Probs); // (1 − p)/p²

    /// <inheritdoc />
    public override Tensor Entropy()
    {
        // the entropy of one Bernoulli trial, once per expected trial (1/p of them)
        var p = Probs;
        return Kernels.Softplus(Logits).sub(p.mul(Logits)).div(p);
    }

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => new Geometric(Logits.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        // inverse CDF: P(X ≥ k) = (1 − p)^k, so X = ⌊log U / log(1 − p)⌋
        var u = torch.rand(ExtendedShape(sampleShape), dtype: DType, device: Device, generator: generator);
        double tiny = DType == ScalarType.Float64 ? 1e-300 : 1e-38;
        var logFail = Kernels.Softplus(Logits).neg();
        return u.clamp_min(tiny).log().div(logFail).floor();
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var k = Kernels.AsFloating(value, DType);

        // k·log(1 − p) + log p, with log(1 − p) = −softplus(logits) and log p = −softplus(−logits)
        return k.mul(Kernels.Softplus(Logits)).add(Kernels.Softplus(Logits.neg())).neg();
    }

    /// <inheritdoc />
    public override string ToString() => $"Geometric(logits: {ShapeUtil.Format(Logits.Shape())})";
}
