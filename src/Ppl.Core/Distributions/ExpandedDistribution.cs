using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// <see cref="WrappedDistribution.Base"/> broadcast to a larger batch shape (Pyro's
/// <c>ExpandedDistribution</c>): every new batch element is an independent copy, so draws along
/// expanded dims are independent, not repeated. <see cref="Distribution.Expand"/> returns this for
/// families that cannot expand their parameters directly.
/// </summary>
public sealed class ExpandedDistribution : WrappedDistribution
{
    /// <summary>Broadcasts <paramref name="baseDistribution"/> to <paramref name="batchShape"/>.</summary>
    /// <exception cref="ArgumentException">The base batch shape does not broadcast to <paramref name="batchShape"/>.</exception>
    public ExpandedDistribution(Distribution baseDistribution, long[] batchShape)
        : base(baseDistribution, Checked(baseDistribution, batchShape), baseDistribution.EventShape)
    {
    }

    /// <inheritdoc />
    public override Tensor Mean => Base.Mean.expand([.. BatchShape, .. EventShape]);

    /// <inheritdoc />
    public override Tensor Variance => Base.Variance.expand([.. BatchShape, .. EventShape]);

    /// <inheritdoc />
    public override Tensor Entropy() => Base.Entropy().expand(BatchShape);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => new ExpandedDistribution(Base, batchShape);

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        int n = BatchShape.Length, s = sampleShape.Length, e = EventShape.Length;
        long[] padded = [.. Enumerable.Repeat(1L, n - Base.BatchShape.Length), .. Base.BatchShape];

        // dims where the base has size 1 but the expansion does not need independent draws:
        // they become extra sample dims of the base and are moved into place afterwards
        int[] interstitial = [.. Enumerable.Range(0, n).Where(i => padded[i] == 1 && BatchShape[i] != 1)];
        long[] extra = [.. interstitial.Select(i => BatchShape[i])];
        var draws = Base.SampleCore(generator, [.. sampleShape, .. extra]);
        draws = draws.reshape([.. sampleShape, .. extra, .. padded, .. EventShape]);

        int m = extra.Length;
        var order = new List<long>(s + n + e + m);
        order.AddRange(Enumerable.Range(0, s).Select(i => (long)i));
        for (int i = 0; i < n; i++)
        {
            int k = Array.IndexOf(interstitial, i);
            order.Add(k >= 0 ? s + k : s + m + i);
        }

        order.AddRange(Enumerable.Range(s + m + n, e).Select(i => (long)i));
        order.AddRange(interstitial.Select(i => (long)(s + m + i))); // the size-1 base dims, dropped by the reshape
        return draws.permute([.. order]).reshape(ExtendedShape(sampleShape));
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var lp = Base.LogProbCore(value);
        long[] valueBatch = value.Shape()[..^EventShape.Length];
        return lp.expand(ShapeUtil.Broadcast(valueBatch, BatchShape));
    }

    /// <inheritdoc />
    protected override void ValidateSample(Tensor value) => Base.ValidateValue(value);

    /// <inheritdoc />
    public override string ToString() => $"Expanded({Base}, batch: {ShapeUtil.Format(BatchShape)})";

    private static long[] Checked(Distribution d, long[] batchShape)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(batchShape);
        if (batchShape.Length < d.BatchShape.Length || !ShapeUtil.SameShape(ShapeUtil.Broadcast(d.BatchShape, batchShape), batchShape))
        {
            throw new ArgumentException(
                $"{d.GetType().Name}: cannot expand batch shape {ShapeUtil.Format(d.BatchShape)} to {ShapeUtil.Format(batchShape)}.",
                nameof(batchShape));
        }

        return batchShape;
    }
}
