using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The binary Concrete (relaxed Bernoulli) distribution of Maddison, Mnih and Teh (2017) on
/// (0, 1): X = sigmoid((logits + L)/τ) with L standard logistic and temperature τ &gt; 0. As τ → 0
/// it approaches Bernoulli(sigmoid(logits)); draws are differentiable in logits and τ.
/// </summary>
public sealed class RelaxedBernoulli : Distribution
{
    private RelaxedBernoulli(Tensor temperature, Tensor logits)
        : base(ShapeUtil.Broadcast(temperature.Shape(), logits.Shape()), [])
    {
        Temperature = temperature.expand(BatchShape);
        Logits = logits.expand(BatchShape);
    }

    /// <summary>Binary Concrete with temperature <paramref name="temperature"/> and success probabilities <paramref name="probs"/> in [0, 1].</summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or validation is on and a parameter is outside its domain.</exception>
    public static RelaxedBernoulli FromProbs(Tensor temperature, Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(temperature);
        ArgumentNullException.ThrowIfNull(probs);
        var d = new RelaxedBernoulli(temperature, Kernels.ProbsToLogits(probs));
        d.RequirePositive(temperature, nameof(temperature));
        d.Require(probs, nameof(probs), "in [0, 1]", q => q.ge(0).logical_and(q.le(1)));
        return d;
    }

    /// <summary>Binary Concrete with a scalar temperature on the device of <paramref name="probs"/>.</summary>
    public static RelaxedBernoulli FromProbs(double temperature, Tensor probs) =>
        FromProbs(TensorUtil.ScalarLike(temperature, probs ?? throw new ArgumentNullException(nameof(probs))), probs);

    /// <summary>Binary Concrete with temperature <paramref name="temperature"/> and log-odds <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or validation is on and some temperature is not positive and finite or some logit is not finite.</exception>
    public static RelaxedBernoulli FromLogits(Tensor temperature, Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(temperature);
        ArgumentNullException.ThrowIfNull(logits);
        var d = new RelaxedBernoulli(temperature, logits);
        d.RequirePositive(temperature, nameof(temperature));
        d.RequireFinite(logits, nameof(logits));
        return d;
    }

    /// <summary>Binary Concrete with a scalar temperature on the device of <paramref name="logits"/>.</summary>
    public static RelaxedBernoulli FromLogits(double temperature, Tensor logits) =>
        FromLogits(TensorUtil.ScalarLike(temperature, logits ?? throw new ArgumentNullException(nameof(logits))), logits);

    /// <summary>Binary Concrete from numbers only (success probability <paramref name="probs"/>), in torch's default floating dtype (<c>torch.get_default_dtype()</c>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and the temperature is not positive and finite or the probability is outside [0, 1].</exception>
    public static RelaxedBernoulli FromProbs(double temperature, double probs) => FromProbs(temperature, TensorUtil.Scalar(probs));

    /// <summary>Binary Concrete from numbers only (log-odds <paramref name="logits"/>), in torch's default floating dtype (<c>torch.get_default_dtype()</c>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and the temperature is not positive and finite or the logit is not finite.</exception>
    public static RelaxedBernoulli FromLogits(double temperature, double logits) => FromLogits(temperature, TensorUtil.Scalar(logits));

    /// <summary>The temperature τ.</summary>
    public Tensor Temperature { get; }

    /// <summary>The log-odds of the limiting Bernoulli.</summary>
    public Tensor Logits { get; }

    /// <summary>The success probabilities of the limiting Bernoulli.</summary>
    public Tensor Probs => Logits.sigmoid();

    /// <inheritdoc />
    public override Constraint Support => Constraints.UnitInterval;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => Logits.device;

    /// <inheritdoc />
    public override ScalarType DType => Logits.dtype;

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        new RelaxedBernoulli(Temperature.expand(batchShape), Logits.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        var (tiny, eps) = Limits(DType);
        var u = torch.rand(ExtendedShape(sampleShape), dtype: DType, device: Device, generator: generator).clamp(tiny, 1 - eps);
        var logistic = u.log().sub(u.neg().log1p());
        // sigmoid rounds to exactly 0 or 1 for large |y|, where the density is not finite
        return Logits.add(logistic).div(Temperature).sigmoid().clamp(tiny, 1 - eps);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        // with t = logits − τ·logit(x), L = −t is standard logistic and dL/dx = τ/(x(1 − x)):
        // log p(x) = log σ(t) + log σ(−t) + log τ − log x − log(1 − x), and the symmetric
        // log σ(t) + log σ(−t) = −|t| − 2·log1p(e^(−|t|)) is accurate for every t (LibTorch's
        // softplus switches to the identity above 20, losing e^(−20) ≈ 2e−9)
        var x = value.to(DType);
        var logX = x.log();
        var log1mX = x.neg().log1p();
        var t = Logits.sub(Temperature.mul(logX.sub(log1mX)));
        var absT = t.clamp_min(0).sub(t.clamp_max(0)); // |t| without abs, which has no meta kernel
        return absT.neg().sub(absT.neg().exp().log1p().mul(2)).add(Temperature.log()).sub(logX).sub(log1mX);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"RelaxedBernoulli(temperature: {ShapeUtil.Format(Temperature.Shape())}, logits: {ShapeUtil.Format(Logits.Shape())})";

    /// <summary>The smallest normal number and the machine epsilon of a floating dtype.</summary>
    internal static (double Tiny, double Eps) Limits(ScalarType dtype) =>
        dtype == ScalarType.Float64 ? (2.2250738585072014e-308, 2.220446049250313e-16) : (1.17549435e-38, 1.1920929e-07);
}
