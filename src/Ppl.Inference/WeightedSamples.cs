using System.Globalization;
using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// Weighted draws of a quantity: a weighted empirical distribution with its mean, variance,
/// quantiles and effective sample size. <see cref="ImportanceResult.Weighted"/> gives one per site,
/// and the causal queries one of the outcome per draw (<c>CausalEstimate.Samples</c>).
/// </summary>
/// <remarks>
/// Statistics are per coordinate of the quantity and are tensors of the scope they are called in,
/// computed with tensor ops on the draws' device (no host sync). Integer and boolean draws are
/// summarized in the weights' floating dtype. The variance is that of the weighted empirical
/// distribution, Σ wᵢ(xᵢ − x̄)² (the plug-in estimate: for n equal weights it is (n − 1)/n times
/// the unbiased sample variance). The object holds its tensors without owning them: they live as
/// long as whoever made them keeps them (the importance result, or the dispose scope a query was
/// called in).
/// </remarks>
public sealed class WeightedSamples
{
    /// <summary>
    /// Weighted draws. The weights are normalized here; they must be non-negative and not all zero
    /// (not checked: that would read them back from the device).
    /// </summary>
    /// <param name="values">The draws, shape <c>[n, ..shape of the quantity]</c>.</param>
    /// <param name="weights">Their non-negative weights, shape <c>[n]</c>, of a floating dtype.</param>
    /// <exception cref="ArgumentException">The weights are not a floating vector as long as the draws' leading dim.</exception>
    public WeightedSamples(Tensor values, Tensor weights)
        : this(values, weights, alreadyNormalized: false)
    {
    }

    private WeightedSamples(Tensor values, Tensor weights, bool alreadyNormalized)
    {
        Validate(values, weights);
        Values = values;
        Weights = alreadyNormalized ? weights : weights.div(weights.sum());
        Count = checked((int)values.shape[0]);
    }

    /// <summary>The draws, shape <c>[Count, ..shape of the quantity]</c>.</summary>
    public Tensor Values { get; }

    /// <summary>The weights normalized to sum to 1, shape <c>[Count]</c>.</summary>
    public Tensor Weights { get; }

    /// <summary>Number of draws.</summary>
    public int Count { get; }

    /// <summary>The shape of the quantity (the draws' shape without the leading draw dim).</summary>
    public long[] Shape => [.. Values.shape.Skip(1)];

    /// <summary>The weighted mean Σ wᵢxᵢ, of the quantity's shape.</summary>
    public Tensor Mean() => Numeric().mul(ShapedWeights()).sum([0L]); // sum(0) would bind to sum(ScalarType)

    /// <summary>The weighted variance Σ wᵢ(xᵢ − x̄)², of the quantity's shape.</summary>
    public Tensor Variance()
    {
        using var scope = NewDisposeScope();
        var x = Numeric();
        return x.sub(Mean()).square().mul(ShapedWeights()).sum([0L]).MoveToOuterDisposeScope();
    }

    /// <summary>The square root of <see cref="Variance"/>.</summary>
    public Tensor StandardDeviation() => Variance().sqrt();

    /// <summary>
    /// The Monte-Carlo standard error of <see cref="Mean"/> as an estimate of the expectation the
    /// draws target: √(Σ wᵢ²(xᵢ − x̄)²), the delta-method error of a self-normalized importance
    /// estimate (σ/√n for n equal weights, with the plug-in σ).
    /// </summary>
    public Tensor MeanStandardError()
    {
        using var scope = NewDisposeScope();
        var x = Numeric();
        return x.sub(Mean()).square().mul(ShapedWeights().square()).sum([0L]).sqrt().MoveToOuterDisposeScope();
    }

    /// <summary>Kish's effective sample size (Σw)²/Σw² = 1/Σw² of the normalized weights (0-dim), between 1 and <see cref="Count"/>.</summary>
    public Tensor EffectiveSampleSize() => Weights.square().sum().reciprocal();

    /// <summary>
    /// Weighted quantiles, per coordinate: for each q the smallest draw x with F(x) ≥ q, where F is
    /// the weighted empirical CDF F(x) = Σ_{xᵢ ≤ x} wᵢ (the inverse CDF; with equal weights NumPy's
    /// <c>inverted_cdf</c> method). Shape <c>[qs.Length, ..shape of the quantity]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">No level given, or one outside (0, 1).</exception>
    public Tensor Quantiles(params double[] qs)
    {
        ArgumentNullException.ThrowIfNull(qs);
        if (qs.Length == 0 || qs.Any(q => !(q > 0 && q < 1)))
        {
            throw new ArgumentException($"Quantile levels must be in (0, 1); got [{string.Join(", ", qs.Select(q => q.ToString(CultureInfo.InvariantCulture)))}].", nameof(qs));
        }

        using var scope = NewDisposeScope();
        var x = Numeric();
        var (sorted, order) = x.sort(0);
        var cdf = ShapedWeights().expand_as(x).gather(0, order).cumsum(0);
        var levels = torch.tensor(qs, dtype: cdf.dtype, device: cdf.device).reshape([qs.Length, .. Enumerable.Repeat(1L, (int)cdf.dim())]);

        // the first sorted draw whose cumulative weight reaches q; rounding can leave the last cdf a hair below 1
        var below = cdf.unsqueeze(0).lt(levels).sum([1L]).clamp_max(Count - 1);
        var picked = sorted.unsqueeze(0).expand([qs.Length, .. sorted.shape]).gather(1, below.unsqueeze(1)).squeeze(1);
        return picked.MoveToOuterDisposeScope();
    }

    /// <summary>A one-line summary: the draws, their shape, mean ± sd and the effective sample size (bounded, invariant culture).</summary>
    public override string ToString()
    {
        using var scope = NewDisposeScope();
        if (Distributions.Kernels.IsMeta(Values))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Count} weighted draws of shape {ShapeUtil.Format(Shape)} (meta)");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Count} weighted draws of shape {ShapeUtil.Format(Shape)}: mean {TensorFormat.Values(Mean())}, sd {TensorFormat.Values(StandardDeviation())}, "
            + $"ESS {TensorFormat.Number(EffectiveSampleSize().to(ScalarType.Float64).item<double>(), 6)}");
    }

    /// <summary>Weighted draws whose weights are already normalized (no renormalization, so a caller's statistics stay bit-identical).</summary>
    internal static WeightedSamples FromNormalized(Tensor values, Tensor normalizedWeights) =>
        new(values, normalizedWeights, alreadyNormalized: true);

    /// <summary>The draws as floating point numbers: their own dtype when floating, the weights' otherwise.</summary>
    private Tensor Numeric() => Values.is_floating_point() ? Values : Values.to(Weights.dtype);

    /// <summary>The weights as <c>[Count, 1, …, 1]</c> in the numeric dtype, to broadcast against the draws.</summary>
    private Tensor ShapedWeights()
    {
        var dtype = Values.is_floating_point() ? Values.dtype : Weights.dtype;
        return Weights.to(dtype).reshape([Count, .. Enumerable.Repeat(1L, (int)Values.dim() - 1)]);
    }

    private static void Validate(Tensor values, Tensor weights)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(weights);
        if (values.dim() == 0)
        {
            throw new ArgumentException("The draws need a leading draw dim; got a 0-dim tensor.", nameof(values));
        }

        if (weights.dim() != 1 || weights.shape[0] != values.shape[0] || !weights.is_floating_point())
        {
            throw new ArgumentException(
                $"The weights must be a floating vector of one weight per draw, shape [{values.shape[0]}]; got {weights.dtype} of shape {ShapeUtil.Format(weights.shape)}.",
                nameof(weights));
        }
    }
}
