using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>
/// The x of each y = exp(x) that one run recorded on its sites (<see cref="Site.ExpPreimage"/>: a
/// positive parameter's unconstrained tensor, a draw pushed through exp), readable by
/// <see cref="ExpTransform.LogOf(Tensor, bool)"/> while the run's densities are evaluated. The
/// table belongs to that evaluation: an ELBO builds it from its own traces and disposes it when
/// its terms are computed; outside one, no log is read from a preimage.
/// </summary>
/// <remarks>
/// Data flows one way: the run records x beside its value, the trace keeps the record, the ELBO
/// hands it to the densities it evaluates. Nothing is remembered across runs, so a parameter
/// updated in place by an optimizer can never be paired with an older value of itself.
/// </remarks>
internal sealed class ExpPreimages : IDisposable
{
    [ThreadStatic]
    private static ExpPreimages? t_current;

    private readonly Dictionary<Tensor, Tensor> _preimages;
    private readonly ExpPreimages? _previous;
    private bool _disposed;

    private ExpPreimages(Dictionary<Tensor, Tensor> preimages)
    {
        _preimages = preimages;
        _previous = t_current;
        t_current = this;
    }

    /// <summary>
    /// Makes the preimages recorded in <paramref name="traces"/> readable on this thread until the
    /// result is disposed; null (nothing installed) when fast paths are off or no site recorded one.
    /// </summary>
    public static ExpPreimages? Install(params Trace[] traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        return Install(traces.SelectMany(t => t.Nodes).Where(s => s is { ExpPreimage: not null, Value: not null }).Select(s => (s.Value!, s.ExpPreimage!)));
    }

    /// <summary><see cref="Install(Trace[])"/> for pairs (y, x) with y = exp(x) as made.</summary>
    public static ExpPreimages? Install(IEnumerable<(Tensor Value, Tensor Preimage)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (!FastPaths.Enabled)
        {
            return null;
        }

        Dictionary<Tensor, Tensor>? preimages = null;
        foreach (var (y, x) in pairs)
        {
            (preimages ??= new(ReferenceEqualityComparer.Instance))[y] = x;
        }

        return preimages is null ? null : new ExpPreimages(preimages);
    }

    /// <summary>The recorded x of <paramref name="y"/> in the innermost installed table, by reference.</summary>
    public static bool TryGet(Tensor y, out Tensor x)
    {
        x = null!;
        return t_current is { } current && current._preimages.TryGetValue(y, out x!);
    }

    /// <summary>Uninstalls the table (restoring the one it was installed inside).</summary>
    /// <exception cref="InvalidOperationException">Another table installed inside this one is still installed.</exception>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (!ReferenceEquals(t_current, this))
        {
            throw new InvalidOperationException("ExpPreimages: tables must be disposed in the reverse order of their installation.");
        }

        t_current = _previous;
        _disposed = true;
    }
}
