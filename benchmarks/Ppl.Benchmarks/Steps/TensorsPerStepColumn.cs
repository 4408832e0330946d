using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using TorchSharp;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// Tensors per benchmark call, measured in the host process after the run: the column builds
/// its own instance of the benchmark class with the case's parameters, calls the setup, warms up
/// with 3 calls and counts over 5 more. <see cref="Kind.Created"/> counts every tensor wrapper
/// created on the thread (in or outside a dispose scope, TorchSharp's own statistics);
/// <see cref="Kind.Live"/> is the change in live tensors, which stays 0 for a leak-free step.
/// </summary>
public sealed class TensorsPerStepColumn : IColumn
{
    private const int Warmup = 3;
    private const int Counted = 5;
    private static readonly ConcurrentDictionary<string, (double Created, double Live)> Cache = new();
    private readonly Kind _kind;

    /// <summary>What the column counts.</summary>
    public enum Kind
    {
        /// <summary>Tensors created per call.</summary>
        Created,

        /// <summary>Net change of live tensors per call.</summary>
        Live,
    }

    /// <summary>A column counting <paramref name="kind"/>.</summary>
    public TensorsPerStepColumn(Kind kind) => _kind = kind;

    /// <inheritdoc />
    public string Id => "TensorsPerStep" + _kind;

    /// <inheritdoc />
    public string ColumnName => _kind == Kind.Created ? "Tensors/step" : "Live Δ/step";

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => (int)_kind;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => _kind == Kind.Created
        ? "Tensor wrappers created per call (TorchSharp thread statistics, in and outside dispose scopes)"
        : "Change of live tensors per call (0 = nothing leaks past the step)";

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        var (created, live) = Cache.GetOrAdd(benchmarkCase.DisplayInfo, _ => Measure(benchmarkCase));
        return (_kind == Kind.Created ? created : live).ToString("0.#", CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <summary>Counts tensors for one case by running it in this process.</summary>
    public static (double Created, double Live) Measure(BenchmarkCase benchmarkCase)
    {
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        var descriptor = benchmarkCase.Descriptor;
        object instance = Activator.CreateInstance(descriptor.Type)!;
        foreach (var p in benchmarkCase.Parameters.Items)
        {
            descriptor.Type.GetProperty(p.Name, BindingFlags.Public | BindingFlags.Instance)!.SetValue(instance, p.Value);
        }

        descriptor.GlobalSetupMethod?.Invoke(instance, null);
        try
        {
            return Count(() => descriptor.WorkloadMethod.Invoke(instance, null));
        }
        finally
        {
            descriptor.GlobalCleanupMethod?.Invoke(instance, null);
        }
    }

    /// <summary>Tensors created and the change in live tensors per call of <paramref name="step"/>, after a warmup.</summary>
    public static (double Created, double Live) Count(Action step)
    {
        ArgumentNullException.ThrowIfNull(step);
        for (int i = 0; i < Warmup; i++)
        {
            step();
        }

        var stats = DisposeScopeManager.Statistics;
        long created0 = stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount;
        long live0 = stats.ThreadTotalLiveCount;
        for (int i = 0; i < Counted; i++)
        {
            step();
        }

        long created1 = stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount;
        long live1 = stats.ThreadTotalLiveCount;
        return ((created1 - created0) / (double)Counted, (live1 - live0) / (double)Counted);
    }
}
