using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// The draws <see cref="Predictive{TArgs}.Sample"/> returns: a read-only dictionary from site name
/// to its draws (leading dim <see cref="NumSamples"/>), which prints as a table of each site's
/// shape and the mean and sd of its draws.
/// </summary>
[SuppressMessage("Naming", "CA1710", Justification = "Named for what it holds, Pyro's predictive samples; that it is also a dictionary keeps the earlier API.")]
public sealed class PredictiveSamples : IReadOnlyDictionary<string, Tensor>
{
    private readonly Dictionary<string, Tensor> _sites;

    internal PredictiveSamples(Dictionary<string, Tensor> sites, int numSamples)
    {
        _sites = sites;
        NumSamples = numSamples;
    }

    /// <summary>Draws per site (the leading dim of every tensor).</summary>
    public int NumSamples { get; }

    /// <inheritdoc />
    public int Count => _sites.Count;

    /// <inheritdoc />
    public IEnumerable<string> Keys => _sites.Keys;

    /// <inheritdoc />
    public IEnumerable<Tensor> Values => _sites.Values;

    /// <summary>The draws of <paramref name="site"/>.</summary>
    /// <exception cref="KeyNotFoundException">The site was not returned; the message lists those that were.</exception>
    public Tensor this[string site] => _sites.TryGetValue(site, out var value)
        ? value
        : throw new KeyNotFoundException($"No site '{site}' in the predictive draws; sites: {string.Join(", ", _sites.Keys)}.");

    /// <inheritdoc />
    public bool ContainsKey(string key) => _sites.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value) => _sites.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => _sites.GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// The number of draws and a table of each site's shape and the mean and sd of its draws per
    /// element (the sample sd; at most four elements per site, invariant culture). Copies those few
    /// numbers to the host.
    /// </summary>
    public override string ToString()
    {
        using var scope = NewDisposeScope();
        var table = new SummaryTable(["mean", "sd"]);
        foreach (var (name, draws) in _sites)
        {
            var numeric = draws.is_floating_point() ? draws : draws.to(ScalarType.Float64);
            var sd = NumSamples > 1 ? numeric.std([0L]) : zeros_like(numeric[0]);
            table.AddSite(name, draws.shape, numeric.mean([0L]), sd);
        }

        return string.Create(CultureInfo.InvariantCulture, $"PredictiveSamples: {NumSamples} draws per site\n{table}");
    }
}
