using BenchmarkDotNet.Attributes;
using Ppl.Distributions;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Benchmarks;

/// <summary>
/// The cost the effect runtime adds per site: a model of 100 scalar sample sites run bare, under
/// a trace, and under trace + condition + seed, each with its log joint.
/// Run: <c>dotnet run -c Release --project benchmarks/Ppl.Benchmarks -- --filter *TraceBenchmarks*</c>.
/// </summary>
[MemoryDiagnoser]
public class TraceBenchmarks
{
    private const int Sites = 100;
    private readonly Dictionary<string, Tensor> _observed = [];
    private Tensor _zero = null!;

    /// <summary>Creates the observed values once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _zero = tensor(0.0f);
        for (int i = 0; i < Sites; i += 2)
        {
            _observed[$"z{i}"] = tensor(0.5f);
        }
    }

    /// <summary>Releases the observed values.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _zero.Dispose();
        foreach (var t in _observed.Values)
        {
            t.Dispose();
        }
    }

    /// <summary>The model with no handler installed.</summary>
    [Benchmark(Baseline = true)]
    public void Bare()
    {
        using var scope = NewDisposeScope();
        Model();
    }

    /// <summary>The model under a trace, with its log joint.</summary>
    [Benchmark]
    public double Traced()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            Model();
        }

        return tracer.Trace.LogProbSum().item<float>();
    }

    /// <summary>The model under trace, condition (half the sites) and seed, with its log joint.</summary>
    [Benchmark]
    public double TracedConditionedSeeded()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (new SeedMessenger(1).Install())
        using (new ConditionMessenger(_observed).Install())
        using (tracer.Install())
        {
            Model();
        }

        return tracer.Trace.LogProbSum().item<float>();
    }

    private void Model()
    {
        for (int i = 0; i < Sites; i++)
        {
            Sample($"z{i}", new Normal(_zero, 1.0));
        }
    }
}
