using System.Globalization;
using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>
/// What <see cref="AutoGuide{TArgs}.Summary"/> returns: each latent site's posterior median and a
/// central interval under the fitted guide, printable as a table (Pyro users get a dictionary of
/// tensors from <c>guide.quantiles</c>; NumPyro's <c>print_summary</c> prints a table like this one).
/// </summary>
/// <remarks>The tensors are ordinary tensors of the dispose scope <c>Summary</c> was called in.</remarks>
public sealed class GuideSummary
{
    internal GuideSummary(string guide, IReadOnlyList<SiteSummary> sites, double lowerLevel, double upperLevel)
    {
        Guide = guide;
        Sites = sites;
        LowerLevel = lowerLevel;
        UpperLevel = upperLevel;
    }

    /// <summary>The guide's name (its parameter prefix).</summary>
    public string Guide { get; }

    /// <summary>The latent sites, in model order.</summary>
    public IReadOnlyList<SiteSummary> Sites { get; }

    /// <summary>The quantile level of every <see cref="SiteSummary.Lower"/>, e.g. 0.05.</summary>
    public double LowerLevel { get; }

    /// <summary>The quantile level of every <see cref="SiteSummary.Upper"/>, e.g. 0.95.</summary>
    public double UpperLevel { get; }

    /// <summary>The summary of site <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The guide covers no such site; the message lists those it covers.</exception>
    public SiteSummary this[string name] => Sites.FirstOrDefault(s => s.Name == name)
        ?? throw new KeyNotFoundException($"{Guide} covers no latent site '{name}'; its sites: {string.Join(", ", Sites.Select(s => s.Name))}.");

    /// <summary>
    /// A table of each site's shape, median and interval per element (at most four elements per
    /// site; invariant culture). Copies those few numbers to the host.
    /// </summary>
    public override string ToString()
    {
        using var scope = NewDisposeScope();
        var table = new SummaryTable(["median", Percent(LowerLevel), Percent(UpperLevel)]);
        foreach (var site in Sites)
        {
            table.AddSite(site.Name, site.Shape, site.Median, site.Lower, site.Upper);
        }

        string width = Percent(UpperLevel - LowerLevel);
        return string.Create(CultureInfo.InvariantCulture, $"{Guide} posterior: median and central {width} interval per element\n{table}");
    }

    private static string Percent(double level) => (100 * level).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
