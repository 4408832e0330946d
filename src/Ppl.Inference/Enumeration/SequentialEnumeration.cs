using System.Collections.Immutable;
using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Inference.Enumeration;

/// <summary>
/// One branch of the sequential enumeration of a guide (Pyro's <c>enumerate="sequential"</c>): each
/// latent site marked <see cref="EnumerateMode.Sequential"/> takes the value the branch assigns it, and a
/// site the branch does not assign yet takes its first value and is reported, so the caller can queue
/// the branches for its other values. Run once per branch, the guide visits every combination of its
/// sequential sites' values exactly once, each run complete.
/// </summary>
/// <param name="assignment">The index into the support of each site this branch fixes.</param>
internal sealed class SequentialEnumeration(ImmutableDictionary<string, long> assignment) : Messenger
{
    private readonly List<(string Name, long Count)> _discovered = [];

    /// <summary>The index of each site this branch fixed.</summary>
    public ImmutableDictionary<string, long> Assignment { get; } = assignment;

    /// <summary>The sites first met in this run (set to their first value), with the size of their support, in the order met.</summary>
    public IReadOnlyList<(string Name, long Count)> Discovered => _discovered;

    /// <summary>The branches still to run after this one: for each site it discovered, its other values with the sites before it at their first.</summary>
    public IEnumerable<ImmutableDictionary<string, long>> Siblings()
    {
        var prefix = Assignment;
        foreach (var (name, count) in _discovered)
        {
            for (long k = 1; k < count; k++)
            {
                yield return prefix.SetItem(name, k);
            }

            prefix = prefix.SetItem(name, 0);
        }
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">A sequential site has no finite support, or is batched (a plate or batch shape of more than one element).</exception>
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Infer.Enumerate != EnumerateMode.Sequential || message.IsObserved || message.Value is not null || message.Distribution is not { } distribution)
        {
            return;
        }

        if (!distribution.HasEnumerateSupport)
        {
            throw new NotSupportedException($"Site '{message.Name}' is marked for sequential enumeration, but {distribution} has no finite support to enumerate.");
        }

        if (distribution.BatchShape.Aggregate(1L, (a, b) => a * b) != 1)
        {
            throw new NotSupportedException(
                $"Site '{message.Name}' is marked for sequential enumeration but is batched (batch shape {Distributions.ShapeUtil.Format(distribution.BatchShape)}): one run per value would give every element the same value. "
                + "Enumerate batched sites in parallel, and run particles one at a time (VectorizeParticles = false) with sequential sites.");
        }

        var support = distribution.EnumerateSupport(expand: false);
        long count = support.shape[0];
        if (!Assignment.TryGetValue(message.Name, out long index))
        {
            index = 0;
            _discovered.Add((message.Name, count));
        }

        message.Value = support[index].reshape([.. distribution.BatchShape, .. distribution.EventShape]);
    }
}
