using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The categorical distribution with draws encoded as one-hot vectors of shape [K] (in the
/// parameters' floating dtype) over the last parameter dimension.
/// </summary>
public sealed class OneHotCategorical : Distribution
{
    private readonly Categorical _categorical;

    private OneHotCategorical(Categorical categorical)
        : base(categorical.BatchShape, [categorical.NumCategories])
    {
        _categorical = categorical;
    }

    /// <summary>One-hot categorical with (unnormalized, non-negative) weights <paramref name="probs"/> over the last dimension.</summary>
    /// <exception cref="ArgumentException">
    /// The tensor has no dimension, or validation is on and some weight is negative, NaN or +∞, or
    /// some row has no positive weight.
    /// </exception>
    public static OneHotCategorical FromProbs(Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(probs);
        RequireCategories(probs, nameof(probs));
        var d = new OneHotCategorical(Categorical.Normalized(probs.log()));
        ParameterCheck.CategoryWeights(nameof(OneHotCategorical), d.Logits, probs, nameof(probs), isProbs: true);
        return d;
    }

    /// <summary>One-hot categorical with (unnormalized) log-weights <paramref name="logits"/> over the last dimension.</summary>
    /// <exception cref="ArgumentException">
    /// The tensor has no dimension, or validation is on and some logit is NaN or +∞, or some row
    /// is −∞ everywhere.
    /// </exception>
    public static OneHotCategorical FromLogits(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        RequireCategories(logits, nameof(logits));
        var d = new OneHotCategorical(Categorical.Normalized(logits));
        ParameterCheck.CategoryWeights(nameof(OneHotCategorical), d.Logits, logits, nameof(logits), isProbs: false);
        return d;
    }

    /// <summary>Normalized log-probabilities, shape <c>BatchShape + [K]</c>.</summary>
    public Tensor Logits => _categorical.Logits;

    /// <summary>Probabilities, shape <c>BatchShape + [K]</c>.</summary>
    public Tensor Probs => _categorical.Probs;

    /// <summary>The number of categories K.</summary>
    public long NumCategories => _categorical.NumCategories;

    /// <inheritdoc />
    public override Constraint Support => Constraints.OneHot;

    /// <inheritdoc />
    public override Device Device => _categorical.Device;

    /// <inheritdoc />
    public override bool HasEnumerateSupport => true;

    /// <inheritdoc />
    protected internal override Tensor EnumerateSupportCore() => torch.eye(EventShape[0], dtype: DType, device: Device);

    /// <inheritdoc />
    public override ScalarType DType => _categorical.DType;

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
    public override Tensor Entropy() => _categorical.Entropy();

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        new OneHotCategorical((Categorical)_categorical.ExpandCore(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        // comparing with arange (rather than one_hot or scatter) runs on every device, meta included
        var index = _categorical.SampleCore(generator, sampleShape).unsqueeze(-1);
        var categories = torch.arange(NumCategories, dtype: ScalarType.Int64, device: Device);
        return index.eq(categories).to(DType);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value) => _categorical.LogProbCore(value.argmax(-1));

    /// <inheritdoc />
    public override string ToString() => $"OneHotCategorical(logits: {ShapeUtil.Format(Logits.Shape())})";

    private static void RequireCategories(Tensor t, string name)
    {
        if (t.dim() == 0 || t.Shape()[^1] == 0)
        {
            throw new ArgumentException($"OneHotCategorical: parameter '{name}' (shape {ShapeUtil.Format(t.Shape())}) needs a last dimension of categories.", name);
        }
    }
}
