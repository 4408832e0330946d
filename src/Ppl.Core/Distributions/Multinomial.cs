using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The multinomial distribution: category counts of <see cref="TotalCount"/> independent draws
/// from a categorical distribution over the last parameter dimension. Events are count vectors of
/// shape [K] in the parameters' floating dtype.
/// </summary>
public sealed class Multinomial : Distribution
{
    private Multinomial(long totalCount, Tensor normalizedLogits)
        : base(normalizedLogits.Shape()[..^1], [normalizedLogits.Shape()[^1]])
    {
        TotalCount = totalCount;
        Logits = normalizedLogits;
    }

    /// <summary>Multinomial with <paramref name="totalCount"/> trials and (unnormalized, non-negative) category weights <paramref name="probs"/>.</summary>
    /// <exception cref="ArgumentException">
    /// The count is negative, the tensor has no category dimension, or validation is on and some
    /// weight is negative, NaN or +∞, or some row has no positive weight.
    /// </exception>
    public static Multinomial FromProbs(long totalCount, Tensor probs)
    {
        ArgumentNullException.ThrowIfNull(probs);
        var d = Create(totalCount, probs, nameof(probs), probs.log());
        ParameterCheck.CategoryWeights(nameof(Multinomial), d.Logits, probs, nameof(probs), isProbs: true);
        return d;
    }

    /// <summary>Multinomial with <paramref name="totalCount"/> trials and (unnormalized) category log-weights <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">
    /// The count is negative, the tensor has no category dimension, or validation is on and some
    /// logit is NaN or +∞, or some row is −∞ everywhere.
    /// </exception>
    public static Multinomial FromLogits(long totalCount, Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var d = Create(totalCount, logits, nameof(logits), logits);
        ParameterCheck.CategoryWeights(nameof(Multinomial), d.Logits, logits, nameof(logits), isProbs: false);
        return d;
    }

    /// <summary>The number of trials.</summary>
    public long TotalCount { get; }

    /// <summary>Normalized log-probabilities, shape <c>BatchShape + [K]</c>.</summary>
    public Tensor Logits { get; }

    /// <summary>Category probabilities, shape <c>BatchShape + [K]</c>.</summary>
    public Tensor Probs => Logits.exp();

    /// <summary>The number of categories K.</summary>
    public long NumCategories => Logits.Shape()[^1];

    /// <inheritdoc />
    public override Constraint Support => Constraints.Multinomial(TotalCount);

    /// <inheritdoc />
    public override Device Device => Logits.device;

    /// <inheritdoc />
    public override ScalarType DType => Logits.dtype;

    /// <inheritdoc />
    public override Tensor Mean => Probs.mul(TotalCount);

    /// <inheritdoc />
    public override Tensor Variance
    {
        get
        {
            var p = Probs;
            return p.mul(p.neg().add(1)).mul(TotalCount);
        }
    }

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        new Multinomial(TotalCount, Logits.expand([.. batchShape, NumCategories]));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        // Sequential binomials: category i takes Binomial(remaining, p_i / Σ_{j≥i} p_j) of the
        // trials the earlier categories left, so the cost is K kernel calls whatever the count.
        long[] shape = [.. sampleShape, .. BatchShape];
        var p = Probs;

        // tail_i = Σ_{j≥i} p_j summed directly (1 − Σ_{j<i} p_j would cancel), as p·U with the
        // upper-triangular U built from comparisons because flip has no meta kernel
        var k = torch.arange(NumCategories, dtype: ScalarType.Int64, device: Device);
        var tail = p.CheckedMatMul(k.unsqueeze(-1).ge(k).to(DType));
        double tiny = DType == ScalarType.Float64 ? 1e-300 : 1e-38;
        var conditional = p.div(tail.clamp_min(tiny)).clamp(0, 1);
        var remaining = torch.full(shape, TotalCount, dtype: DType, device: Device);
        var counts = new Tensor[NumCategories];
        for (int i = 0; i < NumCategories - 1; i++)
        {
            counts[i] = Kernels.Binomial(remaining, conditional.select(-1, i).expand(shape).contiguous(), generator);
            remaining = remaining.sub(counts[i]);
        }

        counts[^1] = remaining;
        return torch.stack(counts, -1);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var x = Kernels.AsFloating(value, DType);

        // x_i·log p_i is 0 when x_i = 0, also for a category of probability 0
        var weighted = x.mul(Logits).masked_fill(x.eq(0), 0.0).sum(-1);
        var logCoefficient = x.sum(-1).add(1).lgamma().sub(x.add(1).lgamma().sum(-1));
        return weighted.add(logCoefficient);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"Multinomial(total_count: {TotalCount.ToString(CultureInfo.InvariantCulture)}, logits: {ShapeUtil.Format(Logits.Shape())})";

    private static Multinomial Create(long totalCount, Tensor parameter, string name, Tensor logits)
    {
        if (totalCount < 0)
        {
            throw new ArgumentException(
                $"Multinomial: parameter 'totalCount' must be non-negative, got {totalCount.ToString(CultureInfo.InvariantCulture)}.",
                nameof(totalCount));
        }

        if (parameter.dim() == 0 || parameter.Shape()[^1] == 0)
        {
            throw new ArgumentException($"Multinomial: parameter '{name}' (shape {ShapeUtil.Format(parameter.Shape())}) needs a last dimension of categories.", name);
        }

        return new Multinomial(totalCount, logits.log_softmax(-1));
    }
}
