using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The Concrete (Gumbel-softmax, relaxed one-hot categorical) distribution of Maddison, Mnih and
/// Teh (2017) and Jang, Gu and Poole (2017) on the simplex of K categories:
/// X = softmax((logits + G)/τ) with G i.i.d. standard Gumbel and temperature τ &gt; 0. As τ → 0 it
/// approaches a one-hot categorical; draws are differentiable in logits and τ.
/// </summary>
/// <remarks>
/// Every category needs a positive probability (finite logits, positive probs): with a category
/// of probability 0 the draws live on a face of the simplex, where the density with respect to
/// the simplex's Lebesgue measure does not exist (every log-density would be −∞). Unlike
/// <see cref="Categorical"/>, validation therefore rejects zero weights and −∞ logits.
/// </remarks>
public sealed class RelaxedOneHotCategorical : Distribution
{
    private RelaxedOneHotCategorical(Tensor temperature, Tensor logits)
        : base(ShapeUtil.Broadcast(temperature.Shape(), logits.Shape().AsSpan(0, logits.Shape().Length - 1)), [logits.Shape()[^1]])
    {
        Temperature = temperature.expand(BatchShape);
        Logits = logits.log_softmax(-1).expand(ExtendedShape([]));
    }

    /// <summary>Concrete with temperature <paramref name="temperature"/> and (unnormalized, positive) weights <paramref name="probs"/> over the last dimension.</summary>
    /// <exception cref="ArgumentException">The shapes do not fit, or validation is on and a parameter is outside its domain.</exception>
    public static RelaxedOneHotCategorical FromProbs(Tensor temperature, Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(temperature);
        RequireCategories(probs, nameof(probs));
        var d = new RelaxedOneHotCategorical(temperature, probs.log());
        d.RequirePositive(temperature, nameof(temperature));
        d.RequirePositive(probs, nameof(probs)); // a category of probability 0 leaves no density
        return d;
    }

    /// <summary>Concrete with a scalar temperature on the device of <paramref name="probs"/>.</summary>
    public static RelaxedOneHotCategorical FromProbs(double temperature, Tensor probs) =>
        FromProbs(TensorUtil.ScalarLike(temperature, probs ?? throw new ArgumentNullException(nameof(probs))), probs);

    /// <summary>Concrete with temperature <paramref name="temperature"/> and (unnormalized) log-weights <paramref name="logits"/> over the last dimension.</summary>
    /// <exception cref="ArgumentException">The shapes do not fit, or validation is on and some temperature is not positive and finite or some logit is not finite.</exception>
    public static RelaxedOneHotCategorical FromLogits(Tensor temperature, Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(temperature);
        RequireCategories(logits, nameof(logits));
        var d = new RelaxedOneHotCategorical(temperature, logits);
        d.RequirePositive(temperature, nameof(temperature));
        d.RequireFinite(logits, nameof(logits)); // −∞ is a category of probability 0: no density
        return d;
    }

    /// <summary>Concrete with a scalar temperature on the device of <paramref name="logits"/>.</summary>
    public static RelaxedOneHotCategorical FromLogits(double temperature, Tensor logits) =>
        FromLogits(TensorUtil.ScalarLike(temperature, logits ?? throw new ArgumentNullException(nameof(logits))), logits);

    /// <summary>The temperature τ, shape <see cref="Distribution.BatchShape"/>.</summary>
    public Tensor Temperature { get; }

    /// <summary>Normalized log-probabilities of the limiting categorical, shape <c>BatchShape + [K]</c>.</summary>
    public Tensor Logits { get; }

    /// <summary>Probabilities of the limiting categorical, shape <c>BatchShape + [K]</c>.</summary>
    public Tensor Probs => Logits.exp();

    /// <inheritdoc />
    public override Constraint Support => Constraints.Simplex;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => Logits.device;

    /// <inheritdoc />
    public override ScalarType DType => Logits.dtype;

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        new RelaxedOneHotCategorical(Temperature.expand(batchShape), Logits.expand([.. batchShape, EventShape[0]]));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        var (tiny, _) = RelaxedBernoulli.Limits(DType);
        var gumbel = Kernels.StandardGumbel(ExtendedShape(sampleShape), DType, Device, generator);
        var logX = Logits.add(gumbel).div(Temperature.unsqueeze(-1)).log_softmax(-1);
        // a coordinate far below the others underflows to 0, where the density is not finite
        return logX.exp().clamp_min(tiny);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        // Concrete density (w.r.t. Lebesgue measure on the first K − 1 coordinates):
        // p(x) = (K − 1)! τ^(K−1) Π_k (π_k x_k^(−τ−1)) / (Σ_i π_i x_i^(−τ))^K
        long k = EventShape[0];
        var tau = Temperature.unsqueeze(-1);
        var logX = value.to(DType).log();
        var scores = Logits.sub(tau.mul(logX));
        var normalizer = TensorUtil.ScalarLike(k, Logits).lgamma().add(Temperature.log().mul(k - 1));
        return scores.sub(logX).sum(-1).sub(Kernels.LogSumExp(scores, -1).mul(k)).add(normalizer);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"RelaxedOneHotCategorical(temperature: {ShapeUtil.Format(Temperature.Shape())}, logits: {ShapeUtil.Format(Logits.Shape())})";

    private static void RequireCategories(Tensor t, string name)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (t.dim() == 0 || t.Shape()[^1] < 2)
        {
            throw new ArgumentException(
                $"RelaxedOneHotCategorical: parameter '{name}' (shape {ShapeUtil.Format(t.Shape())}) needs a last dimension of at least 2 categories.", name);
        }
    }
}
