using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// Analytic Kullback–Leibler divergences KL(p ‖ q) (PyTorch's <c>kl_divergence</c> and its
/// registry). Pairs are looked up by the runtime types of p and q, the most specific registered
/// pair winning; wrappers (<see cref="Independent"/>, <see cref="ExpandedDistribution"/>,
/// <see cref="MaskedDistribution"/>) are unwrapped so a mean-field guide over a vector of normals
/// gets the closed form of its elements.
/// </summary>
public static class KL
{
    private static readonly ConcurrentDictionary<(Type P, Type Q), Func<Distribution, Distribution, Tensor>> Rules = new();

    static KL() => KLClosedForms.RegisterAll();

    /// <summary>Registers the closed form of KL(p ‖ q) for p of type <typeparamref name="TP"/> and q of type <typeparamref name="TQ"/> (replacing any earlier rule for the pair).</summary>
    public static void Register<TP, TQ>(Func<TP, TQ, Tensor> rule)
        where TP : Distribution
        where TQ : Distribution
    {
        ArgumentNullException.ThrowIfNull(rule);
        Rules[(typeof(TP), typeof(TQ))] = (p, q) => rule((TP)p, (TQ)q);
    }

    /// <summary>True when <see cref="Divergence"/> has a closed form for this pair.</summary>
    public static bool HasClosedForm(Distribution p, Distribution q)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        return (p, q) switch
        {
            (Independent ip, Independent iq) => ip.ReinterpretedBatchDims == iq.ReinterpretedBatchDims && HasClosedForm(ip.Base, iq.Base),
            (ExpandedDistribution ep, _) => HasClosedForm(ep.Base, q),
            (_, ExpandedDistribution eq) => HasClosedForm(p, eq.Base),
            (MaskedDistribution mp, _) => HasClosedForm(mp.Base, q),
            (Delta, _) => true,
            _ => FindRule(p.GetType(), q.GetType()) is not null,
        };
    }

    /// <summary>KL(p ‖ q), shape: the broadcast of both batch shapes.</summary>
    /// <exception cref="ArgumentException">The event shapes differ.</exception>
    /// <exception cref="NotSupportedException">No closed form is registered for the pair.</exception>
    public static Tensor Divergence(Distribution p, Distribution q)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        if (!ShapeUtil.SameShape(p.EventShape, q.EventShape))
        {
            throw new ArgumentException(
                $"KL({p} ‖ {q}): event shapes {ShapeUtil.Format(p.EventShape)} and {ShapeUtil.Format(q.EventShape)} differ.");
        }

        long[] batch = ShapeUtil.Broadcast(p.BatchShape, q.BatchShape);
        return Unwrapped(p, q).expand(batch);
    }

    private static Tensor Unwrapped(Distribution p, Distribution q)
    {
        switch (p, q)
        {
            case (Independent ip, Independent iq) when ip.ReinterpretedBatchDims == iq.ReinterpretedBatchDims:
                return TensorUtil.SumRightmost(Divergence(ip.Base, iq.Base), ip.ReinterpretedBatchDims);
            case (ExpandedDistribution ep, _):
                return Divergence(ep.Base, q);
            case (_, ExpandedDistribution eq):
                return Divergence(p, eq.Base);
            case (MaskedDistribution mp, _):
                var kl = Divergence(mp.Base, q);
                return kl.masked_fill(mp.MaskTensor.bitwise_not(), 0.0);
            case (Delta delta, _):
                // a point mass has no entropy term: KL is the cross-entropy at the point
                return q.LogProb(delta.V).neg();
        }

        var rule = FindRule(p.GetType(), q.GetType())
            ?? throw new NotSupportedException($"No closed-form KL divergence registered for ({p.GetType().Name}, {q.GetType().Name}); use a Monte-Carlo ELBO or KL.Register.");
        return rule(p, q);
    }

    private static Func<Distribution, Distribution, Tensor>? FindRule(Type p, Type q)
    {
        // most specific pair: fewest inheritance steps from the runtime types, p first
        Func<Distribution, Distribution, Tensor>? best = null;
        int bestDistance = int.MaxValue;
        int dp = 0;
        for (var tp = p; tp is not null && tp != typeof(object); tp = tp.BaseType, dp++)
        {
            int dq = 0;
            for (var tq = q; tq is not null && tq != typeof(object); tq = tq.BaseType, dq++)
            {
                if (dp + dq < bestDistance && Rules.TryGetValue((tp, tq), out var rule))
                {
                    best = rule;
                    bestDistance = dp + dq;
                }
            }
        }

        return best;
    }
}
