using static TorchSharp.torch;

namespace Ppl.Inference.Enumeration;

/// <summary>
/// A factor of a sum-product in log space whose every dim is named: dim i of <see cref="Value"/> is
/// variable or plate <see cref="Labels"/>[i] (enumerated variables are labelled by their symbol, ≥ 0;
/// plates by negative labels), and it has no dims of size 1.
/// </summary>
/// <param name="Value">The log-values.</param>
/// <param name="Labels">The name of each dim.</param>
internal sealed record LogFactor(Tensor Value, long[] Labels)
{
    /// <summary>The size of the dim named <paramref name="label"/>.</summary>
    public long Size(long label) => Value.shape[Array.IndexOf(Labels, label)];

    /// <summary>Whether a dim is named <paramref name="label"/>.</summary>
    public bool Has(long label) => Array.IndexOf(Labels, label) >= 0;

    /// <summary>The product of <paramref name="factors"/> (the sum of their logs) over the union of their dims.</summary>
    public static LogFactor Join(IReadOnlyList<LogFactor> factors)
    {
        if (factors.Count == 1)
        {
            return factors[0];
        }

        long[] labels = [.. factors.SelectMany(f => f.Labels).Distinct()];
        Tensor? sum = null;
        foreach (var factor in factors)
        {
            var aligned = factor.AlignedTo(labels);
            sum = sum is null ? aligned : sum.add(aligned);
        }

        return new LogFactor(sum!, labels);
    }

    /// <summary>log Σ over the dims named <paramref name="labels"/> (those this factor has).</summary>
    public LogFactor LogSumExp(IEnumerable<long> labels) => Reduce(labels, LogSumExp);

    /// <summary>The maximum over the dims named <paramref name="labels"/> (those this factor has).</summary>
    public LogFactor Max(IEnumerable<long> labels) => Reduce(labels, static (t, axis) => t.amax([axis], keepdim: false));

    /// <summary>Σ of the logs (the product of the factors) over the dims named <paramref name="labels"/> (those this factor has).</summary>
    public LogFactor Sum(IEnumerable<long> labels) => Reduce(labels, static (t, axis) => t.sum(axis, keepdim: false));

    /// <summary>
    /// log Σ exp over one axis: libtorch's kernel (one op instead of eight, and this is the inner loop
    /// of every contraction), except on the meta device, which has no logsumexp kernel. There it is
    /// written out, shifted by the (detached) maximum clamped to the lowest finite value so a row of −∞
    /// (an impossible configuration) gives −∞, as libtorch's does.
    /// </summary>
    private static Tensor LogSumExp(Tensor t, long axis)
    {
        if (t.device_type != TorchSharp.DeviceType.META)
        {
            return t.logsumexp(axis, keepdim: false);
        }

        var shift = t.detach().amax([axis], keepdim: true).clamp_min(t.dtype == ScalarType.Float64 ? double.MinValue : float.MinValue);
        return t.sub(shift).exp().sum(axis, keepdim: true).log().add(shift).squeeze(axis);
    }

    private LogFactor Reduce(IEnumerable<long> labels, Func<Tensor, long, Tensor> reduce)
    {
        var value = Value;
        var kept = Labels.ToList();
        foreach (long label in labels)
        {
            int axis = kept.IndexOf(label);
            if (axis >= 0)
            {
                value = reduce(value, axis);
                kept.RemoveAt(axis);
            }
        }

        return new LogFactor(value, [.. kept]);
    }

    /// <summary>The values with dims in the order of <paramref name="labels"/>, size 1 where this factor has no such dim.</summary>
    public Tensor AlignedTo(long[] labels)
    {
        long[] order = [.. labels.Where(Has).Select(l => (long)Array.IndexOf(Labels, l))];
        bool inOrder = order.Select((axis, i) => axis == i).All(same => same);
        var permuted = inOrder ? Value : Value.permute(order);
        return permuted.reshape([.. labels.Select(l => Has(l) ? Size(l) : 1L)]);
    }
}
