using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The ordered-logistic (proportional-odds) distribution over the categories {0, …, K} (Pyro's
/// <c>OrderedLogistic</c>): with K increasing <c>cutpoints</c> c and a real <c>predictor</c> η,
/// P(value ≤ k) = σ(c_k − η), so P(k) = σ(c_k − η) − σ(c_{k−1} − η) with σ(c_{−1} − η) = 0 and
/// σ(c_K − η) = 1. The batch shape is the broadcast of the predictor's shape with the cutpoints'
/// shape left of their last dim; draws are int64 category indices of that shape.
/// </summary>
public sealed class OrderedLogistic : Distribution
{
    private readonly Categorical _categories;

    private OrderedLogistic(Tensor predictor, Tensor cutpoints, Categorical categories)
        : base(categories.BatchShape, [])
    {
        Predictor = predictor;
        Cutpoints = cutpoints;
        _categories = categories;
    }

    /// <summary>
    /// Ordered logistic with <paramref name="predictor"/> η (any shape) and
    /// <paramref name="cutpoints"/> c (at least one dim; the last one holds the K cutpoints and
    /// must be strictly increasing; the dims left of it broadcast with the predictor's shape).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The cutpoints have no last dim or an empty one, or their leading dims do not broadcast with
    /// the predictor's, or (validation on) the predictor or a cutpoint is not finite, or the
    /// cutpoints are not strictly increasing.
    /// </exception>
    public OrderedLogistic(Tensor predictor, Tensor cutpoints)
        : this(Prepare(predictor, cutpoints))
    {
    }

    private OrderedLogistic((Tensor Predictor, Tensor Cutpoints) p)
        : this(p.Predictor, p.Cutpoints, Categories(p.Predictor, p.Cutpoints))
    {
    }

    /// <summary>The predictor η, expanded to the batch shape.</summary>
    public Tensor Predictor { get; }

    /// <summary>The cutpoints, expanded to <c>BatchShape + [K]</c>.</summary>
    public Tensor Cutpoints { get; }

    /// <summary>The number of cutpoints K; the categories are 0 … K.</summary>
    public long NumCutpoints => Cutpoints.Shape()[^1];

    /// <summary>The category probabilities, shape <c>BatchShape + [K + 1]</c>.</summary>
    public Tensor Probs => _categories.Probs;

    /// <inheritdoc />
    public override Constraint Support => Constraints.IntegerInterval(0, NumCutpoints);

    /// <inheritdoc />
    public override bool HasEnumerateSupport => true;

    /// <inheritdoc />
    protected internal override Tensor EnumerateSupportCore() => _categories.EnumerateSupportCore();

    /// <inheritdoc />
    public override Device Device => Cutpoints.device;

    /// <inheritdoc />
    public override ScalarType DType => Cutpoints.dtype;

    /// <inheritdoc />
    public override Tensor Mean => _categories.Mean;

    /// <inheritdoc />
    public override Tensor Variance => _categories.Variance;

    /// <inheritdoc />
    public override Tensor Entropy() => _categories.Entropy();

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        new OrderedLogistic(
            Predictor.expand(batchShape),
            Cutpoints.expand([.. batchShape, NumCutpoints]),
            (Categorical)_categories.ExpandCore(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape) =>
        _categories.SampleCore(generator, sampleShape);

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value) => _categories.LogProbCore(value);

    /// <inheritdoc />
    public override string ToString() =>
        $"OrderedLogistic(predictor: {ShapeUtil.Format(Predictor.Shape())}, cutpoints: {ShapeUtil.Format(Cutpoints.Shape())})";

    private static (Tensor Predictor, Tensor Cutpoints) Prepare(Tensor predictor, Tensor cutpoints)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(cutpoints);
        const string family = nameof(OrderedLogistic);
        if (cutpoints.dim() == 0 || cutpoints.Shape()[^1] == 0)
        {
            throw new ArgumentException(
                $"{family}: parameter 'cutpoints' (shape {ShapeUtil.Format(cutpoints.Shape())}) needs a last dimension holding at least one cutpoint.",
                nameof(cutpoints));
        }

        long[] cutShape = cutpoints.Shape();
        if (!ShapeUtil.TryBroadcast(predictor.Shape(), cutShape.AsSpan(0, cutShape.Length - 1), out long[] batch, out _))
        {
            throw new ArgumentException(
                $"{family}: the predictor's shape {ShapeUtil.Format(predictor.Shape())} does not broadcast with the cutpoints' batch shape " +
                $"{ShapeUtil.Format(cutShape.AsSpan(0, cutShape.Length - 1))} (cutpoints {ShapeUtil.Format(cutShape)}: the last dim holds the cutpoints).",
                nameof(predictor));
        }

        var dtype = promote_types(predictor.dtype, cutpoints.dtype);
        if (!is_floating_point(empty(0, dtype: dtype)))
        {
            dtype = get_default_dtype();
        }

        var eta = predictor.to(dtype);
        var c = cutpoints.to(dtype);
        ParameterCheck.Finite(family, eta, "predictor");
        ParameterCheck.Finite(family, c, "cutpoints");
        ParameterCheck.ExactRows(family, c, "cutpoints", "strictly increasing entries along the last dim", "a cutpoint not above the one before it", StrictlyIncreasing);
        return (eta.expand(batch), c.expand([.. batch, cutShape[^1]]));
    }

    private static Tensor StrictlyIncreasing(Tensor cutpoints)
    {
        long k = cutpoints.Shape()[^1];
        return k == 1
            ? ones(cutpoints.Shape()[..^1], dtype: ScalarType.Bool, device: cutpoints.device)
            : cutpoints.narrow(-1, 1, k - 1).gt(cutpoints.narrow(-1, 0, k - 1)).all(-1);
    }

    /// <summary>
    /// The categorical over 0 … K whose probabilities are the differences of the logistic CDF at
    /// the cutpoints. The top category's mass is σ(η − c_{K−1}) itself, not 1 − σ(c_{K−1} − η),
    /// which would round a small tail to 0.
    /// </summary>
    private static Categorical Categories(Tensor predictor, Tensor cutpoints)
    {
        long k = cutpoints.Shape()[^1];
        var eta = predictor.unsqueeze(-1);
        var cdf = cutpoints.sub(eta).sigmoid(); // P(value ≤ j), j = 0 … K−1
        var top = eta.sub(cutpoints.narrow(-1, k - 1, 1)).sigmoid(); // P(value = K)
        var mass = k == 1
            ? cat([cdf, top], -1)
            : cat([cdf.narrow(-1, 0, 1), cdf.narrow(-1, 1, k - 1).sub(cdf.narrow(-1, 0, k - 1)), top], -1);
        return Categorical.Normalized(mass.log());
    }
}
