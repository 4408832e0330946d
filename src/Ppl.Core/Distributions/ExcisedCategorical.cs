using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// A categorical distribution over {0, …, K−1} with the categories inside closed intervals
/// [low, high] removed and the remaining probabilities renormalized (ChiRho's
/// <c>ExcisedCategorical</c>): category k is excised when low ≤ k ≤ high for some interval. The
/// interval ends broadcast with the batch shape, so each batch entry may excise different
/// categories; every entry must keep at least one.
/// </summary>
/// <remarks>
/// ChiRho clamps an interval's ends into [0, K−1] before excising, so an interval wholly outside
/// the categories (say [5, 7] with K = 4) silently removes the last (or first) category. Here such
/// an interval removes nothing: only categories inside it are excised.
/// </remarks>
public sealed class ExcisedCategorical : Distribution
{
    private readonly Categorical _categorical;

    private ExcisedCategorical(Categorical categorical, (Tensor Low, Tensor High)[] intervals)
        : base(categorical.BatchShape, [])
    {
        _categorical = categorical;
        Intervals = intervals;
    }

    /// <summary>Categorical with (unnormalized) log-weights <paramref name="logits"/> without the categories in <paramref name="intervals"/>.</summary>
    /// <exception cref="ArgumentException">
    /// The logits have no category dimension; interval ends do not broadcast with the batch shape;
    /// or validation is on and some logit is NaN or +∞, or some batch entry has every category excised.
    /// </exception>
    public static ExcisedCategorical FromLogits(Tensor logits, IReadOnlyList<(Tensor Low, Tensor High)> intervals)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.dim() == 0 || logits.Shape()[^1] == 0)
        {
            throw new ArgumentException($"ExcisedCategorical: logits (shape {ShapeUtil.Format(logits.Shape())}) need a last dimension of categories.", nameof(logits));
        }

        ParameterCheck.LogWeight(nameof(ExcisedCategorical), logits, nameof(logits));
        return Excise(logits, intervals);
    }

    /// <summary>Categorical with (unnormalized, non-negative) weights <paramref name="probs"/> without the categories in <paramref name="intervals"/>.</summary>
    /// <exception cref="ArgumentException">As <see cref="FromLogits"/>, or some weight is negative or not finite.</exception>
    public static ExcisedCategorical FromProbs(Tensor probs, IReadOnlyList<(Tensor Low, Tensor High)> intervals)
    {
        ArgumentNullException.ThrowIfNull(probs);
        ParameterCheck.NonNegative(nameof(ExcisedCategorical), probs, nameof(probs));
        return FromLogits(probs.log(), intervals);
    }

    /// <summary>The excised closed intervals of category indices, each broadcast to the batch shape.</summary>
    public IReadOnlyList<(Tensor Low, Tensor High)> Intervals { get; }

    /// <summary>Normalized log-probabilities after excision (−∞ for excised categories), shape <c>BatchShape + [K]</c>.</summary>
    public Tensor Logits => _categorical.Logits;

    /// <summary>Probabilities after excision (0 for excised categories), shape <c>BatchShape + [K]</c>.</summary>
    public Tensor Probs => _categorical.Probs;

    /// <summary>The number of categories K (excised ones included).</summary>
    public long NumCategories => _categorical.NumCategories;

    /// <inheritdoc />
    public override Constraint Support => _categorical.Support;

    /// <inheritdoc />
    public override Device Device => _categorical.Device;

    /// <inheritdoc />
    public override ScalarType DType => _categorical.DType;

    /// <inheritdoc />
    public override Tensor Mean => _categorical.Mean;

    /// <inheritdoc />
    public override Tensor Variance => _categorical.Variance;

    /// <inheritdoc />
    public override Tensor Entropy() => _categorical.Entropy();

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        new ExcisedCategorical(
            (Categorical)_categorical.Expand(batchShape),
            [.. Intervals.Select(i => (i.Low.expand(batchShape), i.High.expand(batchShape)))]);

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape) => _categorical.SampleCore(generator, sampleShape);

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value) => _categorical.LogProbCore(value);

    /// <inheritdoc />
    public override string ToString() => $"ExcisedCategorical(logits: {ShapeUtil.Format(Logits.Shape())}, {Intervals.Count} interval(s))";

    private static ExcisedCategorical Excise(Tensor logits, IReadOnlyList<(Tensor Low, Tensor High)> intervals)
    {
        ArgumentNullException.ThrowIfNull(intervals);
        long k = logits.Shape()[^1];
        long[] batch0 = logits.Shape()[..^1];
        long[] batch = batch0;
        try
        {
            foreach (var (low, high) in intervals)
            {
                batch = ShapeUtil.Broadcast(ShapeUtil.Broadcast(batch, (low ?? throw new ArgumentNullException(nameof(intervals))).Shape()), (high ?? throw new ArgumentNullException(nameof(intervals))).Shape());
            }
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"ExcisedCategorical: the batch shape {ShapeUtil.Format(batch0)} of logits {ShapeUtil.Format(logits.Shape())} and the intervals' ends ({string.Join(", ", intervals.Select(i => $"{ShapeUtil.Format(i.Low.Shape())}..{ShapeUtil.Format(i.High.Shape())}"))}) do not broadcast together.",
                nameof(intervals),
                e);
        }

        var ends = intervals.Select(i => (i.Low.to(logits.dtype).expand(batch), i.High.to(logits.dtype).expand(batch))).ToArray();
        var category = torch.arange(k, dtype: logits.dtype, device: logits.device);
        var masked = logits.expand([.. batch, k]);
        foreach (var (low, high) in ends)
        {
            var inside = category.ge(low.unsqueeze(-1)).bitwise_and(category.le(high.unsqueeze(-1))); // bitwise_and runs on meta, logical_and does not
            masked = masked.masked_fill(inside, double.NegativeInfinity);
        }

        ParameterCheck.ExactRows(
            nameof(ExcisedCategorical), masked, "logits after excision", "a category outside the excised intervals in every batch entry", "every category excised",
            static l => l.gt(double.NegativeInfinity).any(-1));
        return new ExcisedCategorical(Categorical.Normalized(masked), ends);
    }
}
