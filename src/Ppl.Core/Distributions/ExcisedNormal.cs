using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// A normal distribution N(baseLoc, baseScale²) with closed intervals [low, high] cut out and the
/// remaining mass renormalized (ChiRho's <c>ExcisedNormal</c>): the density is the normal's divided
/// by the mass left, and 0 inside every interval. Draws invert the CDF, so they are
/// reparameterized. The intervals broadcast with the parameters (they may differ per batch entry);
/// they must not overlap one another, and together may not remove all the mass.
/// </summary>
/// <remarks>
/// As in ChiRho the support is the real line (the intervals may differ across the batch), and
/// <see cref="Distribution.Mean"/> and <see cref="Distribution.Variance"/> are not defined: use
/// <see cref="BaseLoc"/> and <see cref="BaseScale"/>.
/// </remarks>
public sealed class ExcisedNormal : Distribution
{
    private readonly Tensor[] _lowCdf;
    private readonly Tensor[] _mass;
    private readonly Tensor _kept;

    /// <summary>N(<paramref name="baseLoc"/>, <paramref name="baseScale"/>²) without the closed <paramref name="intervals"/>.</summary>
    /// <exception cref="ArgumentException">
    /// No interval was given; shapes do not broadcast; or validation is on and some loc is not
    /// finite, some scale not positive, some interval has low &gt; high, two intervals overlap, or
    /// the intervals remove all of the normal's mass.
    /// </exception>
    public ExcisedNormal(Tensor baseLoc, Tensor baseScale, IReadOnlyList<(Tensor Low, Tensor High)> intervals)
        : this(Broadcast(baseLoc, baseScale, intervals))
    {
    }

    /// <summary>N(<paramref name="baseLoc"/>, <paramref name="baseScale"/>²) without the closed <paramref name="intervals"/>, given as numbers.</summary>
    public ExcisedNormal(Tensor baseLoc, Tensor baseScale, IReadOnlyList<(double Low, double High)> intervals)
        : this(baseLoc, baseScale, AsTensors(baseLoc, intervals))
    {
    }

    private ExcisedNormal((Tensor Loc, Tensor Scale, (Tensor Low, Tensor High)[] Intervals) p)
        : base(p.Loc.Shape(), [])
    {
        BaseLoc = p.Loc;
        BaseScale = p.Scale;
        Intervals = p.Intervals;
        RequireFinite(BaseLoc, "baseLoc");
        RequirePositive(BaseScale, "baseScale");
        for (int k = 0; k < Intervals.Count; k++)
        {
            var (low, high) = Intervals[k];
            Require(high.sub(low), $"intervals[{k}] (high - low)", "non-negative (low <= high)", static d => d.ge(0));
            for (int j = 0; j < k; j++)
            {
                var (otherLow, otherHigh) = Intervals[j];
                Require(
                    low, $"intervals[{k}]", $"disjoint from intervals[{j}] (closed intervals may touch, not overlap)",
                    l => l.ge(otherHigh).logical_or(high.le(otherLow)));
            }
        }

        _lowCdf = [.. Intervals.Select(i => StandardCdf(i.Low))];
        _mass = [.. Intervals.Select((i, k) => StandardCdf(i.High).sub(_lowCdf[k]))];
        _kept = _mass.Aggregate(torch.ones_like(BaseLoc), (kept, m) => kept.sub(m));
        Require(_kept, "intervals", "leaving some of the normal's mass (the mass left after excision must be positive)", static z => z.gt(0));
    }

    /// <summary>The mean of the normal before excision.</summary>
    public Tensor BaseLoc { get; }

    /// <summary>The standard deviation of the normal before excision.</summary>
    public Tensor BaseScale { get; }

    /// <summary>The excised closed intervals, each broadcast to the batch shape.</summary>
    public IReadOnlyList<(Tensor Low, Tensor High)> Intervals { get; }

    /// <summary>The normal's mass left after excision (the normalizing constant), shape <c>BatchShape</c>.</summary>
    public Tensor KeptMass => _kept;

    /// <inheritdoc />
    public override Constraint Support => Constraints.Real;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => BaseLoc.device;

    /// <inheritdoc />
    public override ScalarType DType => BaseLoc.dtype;

    /// <summary>The CDF at <paramref name="value"/>: the normal's mass below it, less the excised mass below it, over <see cref="KeptMass"/>.</summary>
    public Tensor Cdf(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var below = StandardCdf(value);
        var kept = below;
        for (int k = 0; k < _mass.Length; k++)
        {
            kept = kept.sub(below.sub(_lowCdf[k]).clamp(min: 0).minimum(_mass[k]));
        }

        return kept.div(_kept);
    }

    /// <summary>The inverse CDF at probabilities <paramref name="probability"/> in [0, 1].</summary>
    public Tensor Icdf(Tensor probability)
    {
        ArgumentNullException.ThrowIfNull(probability);

        // v is the kept mass below the answer; the normal's mass below it is v plus every excised
        // interval's mass that lies below it. An interval lies below when the kept mass below its
        // low end (its low CDF less the intervals wholly under it) is at most v — an order-free rule
        // for disjoint intervals.
        var v = probability.mul(_kept);
        var below = v;
        for (int k = 0; k < _mass.Length; k++)
        {
            var keptBelowLow = _lowCdf[k];
            for (int j = 0; j < _mass.Length; j++)
            {
                if (j != k)
                {
                    keptBelowLow = keptBelowLow.sub(_mass[j].mul(Intervals[j].High.le(Intervals[k].Low)));
                }
            }

            below = below.add(_mass[k].mul(keptBelowLow.le(v)));
        }

        return BaseLoc.add(BaseScale.mul(torch.special.ndtri(below)));
    }

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        new ExcisedNormal(BaseLoc.expand(batchShape), BaseScale.expand(batchShape), [.. Intervals.Select(i => (i.Low.expand(batchShape), i.High.expand(batchShape)))]);

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape) =>
        Icdf(Kernels.OpenUniform(ExtendedShape(sampleShape), DType, Device, generator));

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var z = value.sub(BaseLoc).div(BaseScale);
        var lp = z.square().mul(-0.5).sub(BaseScale.log()).sub(0.5 * Math.Log(2 * Math.PI)).sub(_kept.log());
        Tensor? excised = null;
        foreach (var (low, high) in Intervals)
        {
            var inside = value.ge(low).bitwise_and(value.le(high)); // bitwise ops, unlike logical ones, run on meta
            excised = excised is null ? inside : excised.bitwise_or(inside);
        }

        return lp.masked_fill(excised!, double.NegativeInfinity);
    }

    /// <inheritdoc />
    public override string ToString() => $"ExcisedNormal(batch: {ShapeUtil.Format(BatchShape)}, {Intervals.Count} interval(s))";

    private Tensor StandardCdf(Tensor x) => torch.special.ndtr(x.sub(BaseLoc).div(BaseScale));

    private static (Tensor, Tensor, (Tensor, Tensor)[]) Broadcast(Tensor loc, Tensor scale, IReadOnlyList<(Tensor Low, Tensor High)> intervals)
    {
        ArgumentNullException.ThrowIfNull(loc);
        ArgumentNullException.ThrowIfNull(scale);
        ArgumentNullException.ThrowIfNull(intervals);
        if (intervals.Count == 0)
        {
            throw new ArgumentException("ExcisedNormal: give at least one (low, high) interval to excise (for none, use Normal).", nameof(intervals));
        }

        long[] shape;
        try
        {
            shape = intervals.Aggregate(
                ShapeUtil.Broadcast(loc.Shape(), scale.Shape()),
                (s, i) => ShapeUtil.Broadcast(ShapeUtil.Broadcast(s, (i.Low ?? throw new ArgumentNullException(nameof(intervals))).Shape()), (i.High ?? throw new ArgumentNullException(nameof(intervals))).Shape()));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"ExcisedNormal: baseLoc {ShapeUtil.Format(loc.Shape())}, baseScale {ShapeUtil.Format(scale.Shape())} and the intervals' ends ({string.Join(", ", intervals.Select(i => $"{ShapeUtil.Format(i.Low.Shape())}..{ShapeUtil.Format(i.High.Shape())}"))}) do not broadcast together.",
                nameof(intervals),
                e);
        }

        Tensor Conform(Tensor t) => (t.dtype == loc.dtype ? t : t.to(loc.dtype)).expand(shape);
        return (Conform(loc), Conform(scale), [.. intervals.Select(i => (Conform(i.Low), Conform(i.High)))]);
    }

    private static (Tensor, Tensor)[] AsTensors(Tensor like, IReadOnlyList<(double Low, double High)> intervals)
    {
        ArgumentNullException.ThrowIfNull(like);
        ArgumentNullException.ThrowIfNull(intervals);
        return [.. intervals.Select(i => (TensorUtil.ScalarLike(i.Low, like), TensorUtil.ScalarLike(i.High, like)))];
    }
}
