using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The law of |X| for X drawn from a univariate base distribution (Pyro's
/// <c>FoldedDistribution</c>): the base's mass on both sides of 0 folded onto the positive half
/// line, so p(y) = p_X(y) + p_X(−y) for y &gt; 0. Reparameterized when the base is.
/// </summary>
/// <example><code>
/// var folded = new FoldedDistribution(new Normal(1.0, 2.0));   // a folded normal
/// var logDensity = folded.LogProb(torch.tensor(0.5));          // log(φ(0.5) + φ(−0.5)) for N(1, 4)
/// </code></example>
public sealed class FoldedDistribution : Distribution
{
    /// <summary>Folds <paramref name="baseDistribution"/> at 0.</summary>
    /// <exception cref="ArgumentException">The base has an event shape (only univariate distributions fold, as in Pyro).</exception>
    public FoldedDistribution(Distribution baseDistribution)
        : base(Univariate(baseDistribution).BatchShape, [])
    {
        Base = baseDistribution;
    }

    /// <summary>The distribution that is folded.</summary>
    public Distribution Base { get; }

    /// <summary>(0, ∞), as in Pyro: |X| is 0 with probability 0 for a continuous base.</summary>
    public override Constraint Support => Constraints.Positive;

    /// <inheritdoc />
    public override bool HasRSample => Base.HasRSample;

    /// <inheritdoc />
    public override Device Device => Base.Device;

    /// <inheritdoc />
    public override ScalarType DType => Base.DType;

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => new FoldedDistribution(Base.Expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        var x = Base.SampleCore(generator, sampleShape);
        return Kernels.IsMeta(x) ? x.square().sqrt() : x.abs(); // abs has no meta kernel
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value) =>
        torch.logaddexp(Base.LogProb(value), Base.LogProb(value.neg()));

    /// <inheritdoc />
    public override string ToString() => $"FoldedDistribution({Base})";

    private static Distribution Univariate(Distribution baseDistribution)
    {
        ArgumentNullException.ThrowIfNull(baseDistribution);
        if (baseDistribution.EventShape.Length != 0)
        {
            throw new ArgumentException(
                $"FoldedDistribution: only univariate distributions can be folded; {baseDistribution} has event shape {ShapeUtil.Format(baseDistribution.EventShape)} (fold each coordinate's distribution, then ToEvent).",
                nameof(baseDistribution));
        }

        return baseDistribution;
    }
}
