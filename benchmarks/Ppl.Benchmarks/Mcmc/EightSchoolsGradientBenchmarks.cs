using BenchmarkDotNet.Attributes;
using Ppl.Benchmarks.Steps;
using Ppl.Distributions;
using Ppl.Examples.EightSchools;
using Ppl.Inference.Mcmc;

namespace Ppl.Benchmarks.Mcmc;

/// <summary>
/// One gradient of the non-centered eight schools' potential energy, host doubles in and out: Ppl's
/// <see cref="ModelPotential{TArgs}.EnergyAndGradient(double[])"/> (the model run under the handlers,
/// the support transforms, the trace's log-density, autograd), against the same density written
/// by hand in TorchSharp (<see cref="HandWrittenEightSchools"/>, the floor) and in plain C# (<see cref="HostEightSchools"/>). Validation is off, as NUTS
/// runs it after the first evaluations.
/// </summary>
[Config(typeof(SviBenchmarkConfig))]
public class EightSchoolsGradientBenchmarks
{
    // a point in the posterior's bulk: mu, log tau, theta_tilde
    private static readonly double[] Position = [4.4, 1.0, 0.3, 0.1, -0.1, 0.05, -0.2, -0.1, 0.35, 0.05];
    private ModelPotential<SchoolsData> _potential = null!;
    private HandWrittenEightSchools _floor = null!;
    private HostEightSchools _host = null!;
    private bool _validation;

    /// <summary>Builds both and checks that they agree.</summary>
    /// <exception cref="InvalidOperationException">The hand-written energy or gradient differs from Ppl's.</exception>
    [GlobalSetup]
    public void Setup()
    {
        BenchEnvironment.Apply();
        _validation = Distribution.ValidationEnabled;
        _potential = new ModelPotential<SchoolsData>(EightSchoolsModels.NonCentered, SchoolsData.Classic(), seed: 0);
        _floor = new HandWrittenEightSchools();
        _host = new HostEightSchools();
        Distribution.ValidationEnabled = false;
        var (energy, gradient) = _potential.EnergyAndGradient(Position);
        var (floorEnergy, floorGradient) = _floor.EnergyAndGradient(Position);
        if (Math.Abs(energy - floorEnergy) > 1e-9 || gradient.Zip(floorGradient).Any(g => Math.Abs(g.First - g.Second) > 1e-9))
        {
            throw new InvalidOperationException($"The floor is another density: U = {floorEnergy} vs Ppl's {energy}; ∇U = [{string.Join(", ", floorGradient)}] vs [{string.Join(", ", gradient)}].");
        }

        var (hostEnergy, hostGradient) = _host.EnergyAndGradient(Position);
        if (Math.Abs(energy - hostEnergy) > 1e-9 || gradient.Zip(hostGradient).Any(g => Math.Abs(g.First - g.Second) > 1e-9))
        {
            throw new InvalidOperationException($"The host gradient is another density: U = {hostEnergy} vs Ppl's {energy}; ∇U = [{string.Join(", ", hostGradient)}] vs [{string.Join(", ", gradient)}].");
        }
    }

    /// <summary>Releases the potential.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _potential.Dispose();
        Distribution.ValidationEnabled = _validation;
    }

    /// <summary>Ppl: the model through the handlers.</summary>
    [Benchmark]
    public double PplGradient() => _potential.EnergyAndGradient(Position).Energy;

    /// <summary>The floor: the density by hand.</summary>
    [Benchmark(Baseline = true)]
    public double RawTorchSharp() => _floor.EnergyAndGradient(Position).Energy;

    /// <summary>The same density and gradient in plain C#, no tensors: what a gradient costs without libtorch.</summary>
    [Benchmark]
    public double HostDoubles() => _host.EnergyAndGradient(Position).Energy;
}
