using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The categorical distribution over {0, …, K−1}; the rightmost parameter dimension indexes the
/// categories. Draws are int64. Sampling is by inverse CDF (a cumulative sum per batch row and a
/// binary search per draw), so drawing n values costs memory O(n + K) per batch row, not O(n·K);
/// on the meta device draws are value-less tensors of the right shape.
/// </summary>
/// <remarks>
/// Weights: probs must be finite and non-negative with a positive sum in every row; logits must
/// not be NaN or +∞, and −∞ marks a category of probability 0, but not every category of a row.
/// A zero weight (or −∞ logit) is a category that is never drawn.
/// </remarks>
public sealed class Categorical : Distribution
{
    private Categorical(Tensor normalizedLogits)
        : base(normalizedLogits.Shape()[..^1], [])
    {
        Logits = normalizedLogits;
    }

    /// <summary>Categorical with (unnormalized, non-negative) weights <paramref name="probs"/> over the last dimension.</summary>
    /// <exception cref="ArgumentException">
    /// The tensor has no dimension, or validation is on and some weight is negative, NaN or +∞, or
    /// some row has no positive weight.
    /// </exception>
    public static Categorical FromProbs(Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(probs);
        RequireCategories(probs, nameof(probs));
        var d = Normalized(probs.log());
        ParameterCheck.CategoryWeights(nameof(Categorical), d.Logits, probs, nameof(probs), isProbs: true);
        return d;
    }

    /// <summary>Categorical with (unnormalized) log-weights <paramref name="logits"/> over the last dimension.</summary>
    /// <exception cref="ArgumentException">
    /// The tensor has no dimension, or validation is on and some logit is NaN or +∞, or some row
    /// is −∞ everywhere.
    /// </exception>
    public static Categorical FromLogits(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        RequireCategories(logits, nameof(logits));
        var d = Normalized(logits);
        ParameterCheck.CategoryWeights(nameof(Categorical), d.Logits, logits, nameof(logits), isProbs: false);
        return d;
    }

    /// <summary>
    /// Categorical with log-weights <paramref name="logits"/> (at least one dimension), not
    /// validated: for families built on it, which validate their own parameters under their own name.
    /// </summary>
    internal static Categorical Normalized(Tensor logits) =>
        new(logits.log_softmax(-1)); // log_softmax, unlike logsumexp, also runs on meta

    /// <summary>Normalized log-probabilities, shape <c>BatchShape + [K]</c>.</summary>
    public Tensor Logits { get; }

    /// <summary>Probabilities, shape <c>BatchShape + [K]</c>.</summary>
    public Tensor Probs => Logits.exp();

    /// <summary>The number of categories K.</summary>
    public long NumCategories => Logits.Shape()[^1];

    /// <inheritdoc />
    public override Constraint Support => Constraints.IntegerInterval(0, NumCategories - 1);

    /// <inheritdoc />
    public override bool HasEnumerateSupport => true;

    /// <inheritdoc />
    protected internal override Tensor EnumerateSupportCore() => torch.arange(NumCategories, dtype: ScalarType.Int64, device: Device);

    /// <inheritdoc />
    public override Device Device => Logits.device;

    /// <inheritdoc />
    public override ScalarType DType => Logits.dtype;

    /// <inheritdoc />
    public override Tensor Mean => Probs.mul(torch.arange(NumCategories, dtype: DType, device: Device)).sum(-1);

    /// <inheritdoc />
    public override Tensor Variance
    {
        get
        {
            var k = torch.arange(NumCategories, dtype: DType, device: Device);
            var p = Probs;
            var mean = p.mul(k).sum(-1, keepdim: true);
            return p.mul(k.sub(mean).square()).sum(-1);
        }
    }

    /// <inheritdoc />
    public override Tensor Entropy()
    {
        var p = Probs;
        return p.mul(Logits).masked_fill(p.eq(0), 0.0).sum(-1).neg();
    }

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        new Categorical(Logits.expand([.. batchShape, NumCategories]));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape) =>
        Kernels.SampleCategorical(Logits, sampleShape, generator);

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var index = value.to(ScalarType.Int64).unsqueeze(-1);
        long[] batch = ShapeUtil.Broadcast(index.Shape().AsSpan(0, index.Shape().Length - 1), BatchShape);
        var logits = Logits.expand([.. batch, NumCategories]);
        return logits.gather(-1, index.expand([.. batch, 1])).squeeze(-1);
    }

    /// <inheritdoc />
    public override string ToString() => $"Categorical(logits: {ShapeUtil.Format(Logits.Shape())})";

    private static void RequireCategories(Tensor t, string name)
    {
        if (t.dim() == 0 || t.Shape()[^1] == 0)
        {
            throw new ArgumentException($"Categorical: parameter '{name}' (shape {ShapeUtil.Format(t.Shape())}) needs a last dimension of categories.", name);
        }
    }
}
