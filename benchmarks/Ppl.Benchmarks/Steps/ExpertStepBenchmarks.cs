using BenchmarkDotNet.Attributes;
using Ppl.Causal.IndependentMechanisms;
using Ppl.Examples.CompetingExpertsMnist;
using Ppl.Inference;
using Ppl.Inference.Optim;
using static TorchSharp.torch;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// One identity-pretraining step of the competing-experts example's expert (five 3 × 3 convolutions of 32
/// filters, batch normalization, ELU, a one-channel sigmoid output) on a batch of 32 images of 32 × 32:
/// through Ppl (<see cref="CompetingExperts.IdentityProgram"/> under <see cref="Svi{TArgs}"/>) and written
/// directly in TorchSharp (the same mean squared error, the same Adam). The convolution-heavy workload of
/// the examples, where allocations are large (two megabytes per activation).
/// </summary>
[Config(typeof(SviBenchmarkConfig))]
public class ExpertStepBenchmarks
{
    private ExpertNetwork _pplExpert = null!;
    private ExpertNetwork _rawExpert = null!;
    private Adam _pplAdam = null!;
    private Adam _rawAdam = null!;
    private Svi<IdentityBatch> _svi = null!;
    private Tensor _batch = null!;
    private (string Name, TorchSharp.Modules.Parameter Parameter)[] _rawParameters = [];

    /// <summary>Builds both experts from one seed and a fixed batch of images in [0, 1].</summary>
    [GlobalSetup]
    public void Setup()
    {
        BenchEnvironment.Apply();
        _batch = rand([32, 1, 32, 32], generator: new Generator(5)).DetachFromDisposeScope();
        _pplExpert = new ExpertNetwork(32, seed: 3);
        _rawExpert = new ExpertNetwork(32, seed: 3);
        _rawParameters = [.. _rawExpert.named_parameters().Select(p => ("expert$" + p.name, p.parameter))];
        _pplAdam = new Adam(1e-3);
        _rawAdam = new Adam(1e-3) { GroupedUpdates = true }; // as Svi steps
        _svi = new Svi<IdentityBatch>(CompetingExperts.IdentityProgram, _ => { }, _pplAdam, new TraceElbo());
    }

    /// <summary>Releases networks, data and optimizer state.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _svi.ParamStore.Dispose();
        _pplAdam.Dispose();
        _rawAdam.Dispose();
        _pplExpert.Dispose();
        _rawExpert.Dispose();
        _batch.Dispose();
    }

    /// <summary>The hand-written TorchSharp step.</summary>
    [Benchmark(Baseline = true)]
    public double RawTorchSharp()
    {
        using var scope = NewDisposeScope();
        var loss = _rawExpert.forward(_batch).sub(_batch).square().mean();
        loss.backward();
        _rawAdam.Step(_rawParameters);
        Optimizer.ZeroGrad(_rawParameters.Select(p => p.Parameter));
        return loss.to(ScalarType.Float64).item<double>();
    }

    /// <summary>The same step through <see cref="Svi{TArgs}"/>.</summary>
    [Benchmark]
    public double PplSvi() => _svi.Step(new IdentityBatch(_pplExpert, _batch));
}
