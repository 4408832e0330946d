using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>Applies its parts in order: y = fₖ(… f₂(f₁(x))); the Jacobian terms add up.</summary>
public sealed class ComposeTransform : Transform
{
    /// <summary>The composition of <paramref name="parts"/>, first applied first.</summary>
    /// <exception cref="ArgumentException">No parts were given.</exception>
    public ComposeTransform(params Transform[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0)
        {
            throw new ArgumentException("ComposeTransform: needs at least one part.", nameof(parts));
        }

        Parts = [.. parts];
        int domainDim = parts[^1].CodomainEventDim;
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            domainDim = Math.Max(domainDim + parts[i].DomainEventDim - parts[i].CodomainEventDim, parts[i].DomainEventDim);
        }

        int codomainDim = parts[0].DomainEventDim;
        foreach (var part in parts)
        {
            codomainDim = Math.Max(codomainDim + part.CodomainEventDim - part.DomainEventDim, part.CodomainEventDim);
        }

        DomainEventDim = domainDim;
        CodomainEventDim = codomainDim;
    }

    /// <summary>The parts, first applied first.</summary>
    public IReadOnlyList<Transform> Parts { get; }

    /// <inheritdoc />
    public override int DomainEventDim { get; }

    /// <inheritdoc />
    public override int CodomainEventDim { get; }

    /// <inheritdoc />
    public override Constraint Domain => Widen(Parts[0].Domain, DomainEventDim);

    /// <inheritdoc />
    public override Constraint Codomain => Widen(Parts[^1].Codomain, CodomainEventDim);

    /// <inheritdoc />
    public override Tensor Forward(Tensor x)
    {
        var y = x;
        foreach (var part in Parts)
        {
            y = part.Forward(y);
        }

        return y;
    }

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y)
    {
        var x = y;
        for (int i = Parts.Count - 1; i >= 0; i--)
        {
            x = Parts[i].Inverse(x);
        }

        return x;
    }

    /// <summary>Recomputes the intermediate values and sums each part's term over the dims that are event dims of the whole composition.</summary>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y)
    {
        Tensor? total = null;
        int eventDim = DomainEventDim;
        var current = x;
        for (int i = 0; i < Parts.Count; i++)
        {
            var part = Parts[i];
            var next = i == Parts.Count - 1 ? y : part.Forward(current);
            var term = TensorUtil.SumRightmost(part.LogAbsDetJacobian(current, next), eventDim - part.DomainEventDim);
            total = total is null ? term : total.add(term);
            eventDim += part.CodomainEventDim - part.DomainEventDim;
            current = next;
        }

        return total!;
    }

    /// <inheritdoc />
    public override long[] ForwardShape(long[] shape) => Parts.Aggregate(shape, (s, p) => p.ForwardShape(s));

    /// <inheritdoc />
    public override long[] InverseShape(long[] shape) => Parts.Reverse().Aggregate(shape, (s, p) => p.InverseShape(s));

    /// <inheritdoc />
    public override string ToString() => $"ComposeTransform({string.Join(", ", Parts)})";

    private static Constraint Widen(Constraint c, int eventDim) =>
        eventDim > c.EventDim ? Constraints.Independent(c, eventDim - c.EventDim) : c;
}
