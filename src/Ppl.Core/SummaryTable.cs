using System.Globalization;
using System.Text;
using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// A plain-text table of per-site statistics, one row per element of a site (<c>w[0]</c>,
/// <c>w[1]</c>, …) up to a bound, then a row counting the rest: what the printable result types
/// (importance draws, predictive draws, guide summaries) show. Only the shown values are copied to
/// the host, so a site of a million elements prints as fast as one of four. Invariant culture.
/// </summary>
internal sealed class SummaryTable
{
    private readonly string[] _statNames;
    private readonly List<string[]> _rows = [];

    /// <param name="statNames">The headers of the statistic columns (after <c>site</c> and <c>shape</c>).</param>
    /// <param name="maxElementsPerSite">Rows shown per site before the rest is counted.</param>
    public SummaryTable(IReadOnlyList<string> statNames, int maxElementsPerSite = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxElementsPerSite, 1);
        _statNames = [.. statNames];
        MaxElementsPerSite = maxElementsPerSite;
    }

    /// <summary>Rows shown per site before the rest is counted.</summary>
    public int MaxElementsPerSite { get; }

    /// <summary>
    /// Adds a site's rows. Every statistic has the same shape; its leading size-1 dims (Pyro's plate
    /// padding) are left out of the element indices.
    /// </summary>
    /// <param name="name">The site.</param>
    /// <param name="shape">The shape shown in the <c>shape</c> column.</param>
    /// <param name="stats">One tensor per statistic column.</param>
    public void AddSite(string name, ReadOnlySpan<long> shape, params Tensor[] stats)
    {
        if (stats.Length != _statNames.Length)
        {
            throw new ArgumentException($"{_statNames.Length} statistics expected, {stats.Length} given.", nameof(stats));
        }

        if (stats.Length == 0)
        {
            throw new ArgumentException("At least one statistic is needed.", nameof(stats));
        }

        string shapeText = ShapeUtil.Format(shape);
        long[] indexShape = [.. stats[0].shape.SkipWhile(size => size == 1)];
        long count = stats[0].numel();
        if (count == 0 || stats[0].device.type == DeviceType.META)
        {
            _rows.Add([name, shapeText, .. _statNames.Select(_ => count == 0 ? "(empty)" : "(meta)")]);
            return;
        }

        int shown = (int)Math.Min(count, MaxElementsPerSite);
        var columns = stats.Select(s => FirstValues(s, shown)).ToArray();
        for (int i = 0; i < shown; i++)
        {
            string label = count == 1 ? name : name + Index(i, indexShape);
            _rows.Add([label, i == 0 ? shapeText : "", .. columns.Select(c => c[i])]);
        }

        if (count > shown)
        {
            _rows.Add([$"  … {(count - shown).ToString(CultureInfo.InvariantCulture)} more"]); // a note: a row of one cell, not aligned
        }
    }

    /// <summary>The table: a header line and aligned rows, the site and shape columns left-aligned and the statistics right-aligned.</summary>
    public override string ToString()
    {
        string[] header = ["site", "shape", .. _statNames];
        var widths = header.Select((h, c) => _rows.Where(r => r.Length > 1).Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        foreach (var row in _rows.Prepend(header))
        {
            if (row.Length == 1)
            {
                text.Append(row[0]).Append('\n');
                continue;
            }

            var cells = row.Select((cell, c) => c < 2 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]));
            text.Append(string.Join("  ", cells).TrimEnd()).Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }

    private static string[] FirstValues(Tensor stat, int shown)
    {
        using var scope = NewDisposeScope();
        return TensorFormat.Strings(stat.detach().reshape(-1).narrow(0, 0, shown), significantDigits: 4);
    }

    /// <summary>The row-major index of element <paramref name="flat"/> as <c>[i,j]</c>.</summary>
    private static string Index(long flat, long[] shape)
    {
        var index = new long[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }

        return "[" + string.Join(",", index.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]";
    }
}
