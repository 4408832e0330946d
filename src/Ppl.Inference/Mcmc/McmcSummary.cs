using MathNet.Numerics.Statistics;
using static TorchSharp.torch;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// The summary table of an MCMC run (as Pyro's <c>mcmc.summary()</c> and Stan's print): per site and
/// element the posterior mean, sd, 5 / 50 / 95 % quantiles, bulk and tail ESS and R̂, and the number of
/// divergences. The statistics are also readable by name.
/// </summary>
public sealed class McmcSummary
{
    private static readonly string[] Columns = ["mean", "sd", "5%", "50%", "95%", "ess_bulk", "ess_tail", "r_hat"];
    private readonly Dictionary<string, Dictionary<string, double[]>> _stats;
    private readonly string _table;

    private McmcSummary(Dictionary<string, Dictionary<string, double[]>> stats, string table, int divergences)
    {
        _stats = stats;
        _table = table;
        Divergences = divergences;
    }

    /// <summary>Divergent transitions after warm-up.</summary>
    public int Divergences { get; }

    /// <summary>
    /// The statistic <paramref name="column"/> (mean, sd, 5%, 50%, 95%, ess_bulk, ess_tail, r_hat) of every
    /// element of <paramref name="site"/>, in row-major order.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such site or statistic.</exception>
    public IReadOnlyList<double> Get(string site, string column)
    {
        if (!_stats.TryGetValue(site, out var bySite))
        {
            throw new KeyNotFoundException($"McmcSummary: no site '{site}'; the sites are {string.Join(", ", _stats.Keys)}.");
        }

        return bySite.TryGetValue(column, out var values)
            ? values
            : throw new KeyNotFoundException($"McmcSummary: no statistic '{column}'; the statistics are {string.Join(", ", Columns)}.");
    }

    /// <inheritdoc />
    public override string ToString() => _table;

    internal static McmcSummary Of(McmcResult result)
    {
        var stats = new Dictionary<string, Dictionary<string, double[]>>(StringComparer.Ordinal);
        var table = new SummaryTable(Columns, maxElementsPerSite: 10);
        using var scope = NewDisposeScope();
        foreach (var (name, draws) in result.Samples)
        {
            long[] shape = draws.Shape()[2..];
            var flat = draws.to_type(ScalarType.Float64).cpu().reshape(result.Chains, result.Draws, -1);
            int elements = (int)flat.shape[2];
            var values = flat.data<double>().ToArray();
            var columns = Columns.ToDictionary(c => c, _ => new double[elements], StringComparer.Ordinal);
            for (int e = 0; e < elements; e++)
            {
                var chains = Enumerable.Range(0, result.Chains)
                    .Select(c => Enumerable.Range(0, result.Draws).Select(d => values[(((c * result.Draws) + d) * elements) + e]).ToArray())
                    .ToList();
                var pooled = chains.SelectMany(c => c).OrderBy(v => v).ToArray();
                double mean = pooled.Average();
                columns["mean"][e] = mean;
                columns["sd"][e] = pooled.Length > 1 ? ArrayStatistics.StandardDeviation(pooled) : 0;
                columns["5%"][e] = Quantile(pooled, 0.05);
                columns["50%"][e] = Quantile(pooled, 0.5);
                columns["95%"][e] = Quantile(pooled, 0.95);
                bool enough = result.Draws >= 4;
                columns["ess_bulk"][e] = enough ? McmcDiagnostics.BulkEss(chains) : double.NaN;
                columns["ess_tail"][e] = enough ? McmcDiagnostics.TailEss(chains) : double.NaN;
                columns["r_hat"][e] = enough ? McmcDiagnostics.RHat(chains) : double.NaN;
            }

            stats[name] = columns;
            table.AddSite(name, shape, [.. Columns.Select(c => tensor(columns[c], dtype: ScalarType.Float64).reshape(shape))]);
        }

        int divergences = result.Divergences;
        return new McmcSummary(stats, table + $"\nNumber of divergences: {divergences}\n", divergences);
    }

    // linear interpolation between order statistics (numpy's default, Hyndman and Fan's R7)
    private static double Quantile(double[] sorted, double q) => SortedArrayStatistics.QuantileCustom(sorted, q, QuantileDefinition.R7);
}
