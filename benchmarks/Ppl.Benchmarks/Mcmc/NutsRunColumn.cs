using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Ppl.Benchmarks.Mcmc;

/// <summary>
/// What a NUTS run did, beside its time: the host process repeats the seeded run once after the
/// benchmarks (the draws repeat bit for bit, so the counts and ESS are the timed runs' own) and divides
/// by the benchmark's median time for the rates.
/// </summary>
public sealed class NutsRunColumn(NutsRunColumn.Kind kind) : IColumn
{
    /// <summary>The seed of the benchmarked run.</summary>
    public const long Seed = 0;

    private static readonly Lazy<NutsRunStats> Stats = new(() =>
    {
        Steps.BenchEnvironment.Apply();
        return EightSchoolsNuts.Run(Seed);
    });

    /// <summary>What the column shows.</summary>
    public enum Kind
    {
        /// <summary>Gradient evaluations (model runs) of the run.</summary>
        Gradients,

        /// <summary>Median time over gradient evaluations.</summary>
        MicrosecondsPerGradient,

        /// <summary>The smallest bulk ESS of any latent element.</summary>
        MinBulkEss,

        /// <summary>That ESS over the median time.</summary>
        EssPerSecond,

        /// <summary>Divergent transitions after warm-up.</summary>
        Divergences,
    }

    /// <inheritdoc />
    public string Id => "Nuts" + kind;

    /// <inheritdoc />
    public string ColumnName => kind switch
    {
        Kind.Gradients => "Gradients",
        Kind.MicrosecondsPerGradient => "μs/gradient",
        Kind.MinBulkEss => "Min bulk ESS",
        Kind.EssPerSecond => "ESS/s",
        _ => "Divergences",
    };

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => (int)kind;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => kind switch
    {
        Kind.Gradients => "Gradient evaluations of the run (model runs: leapfrog steps, step-size searches, site discovery)",
        Kind.MicrosecondsPerGradient => "Median run time over gradient evaluations",
        Kind.MinBulkEss => "Smallest bulk effective sample size of any latent element (of 500 draws)",
        Kind.EssPerSecond => "Min bulk ESS over the median run time",
        _ => "Divergent transitions after warm-up",
    };

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var stats = Stats.Value;
        double? seconds = summary[benchmarkCase]?.ResultStatistics?.Median / 1e9;
        var f = CultureInfo.InvariantCulture;
        return kind switch
        {
            Kind.Gradients => stats.ModelRuns.ToString(f),
            Kind.MicrosecondsPerGradient => seconds is double s ? (s * 1e6 / stats.ModelRuns).ToString("F0", f) : "?",
            Kind.MinBulkEss => stats.MinBulkEss.ToString("F0", f),
            Kind.EssPerSecond => seconds is double t ? (stats.MinBulkEss / t).ToString("F1", f) : "?",
            _ => stats.Divergences.ToString(f),
        };
    }

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
