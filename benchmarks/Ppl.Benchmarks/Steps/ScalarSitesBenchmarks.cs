using BenchmarkDotNet.Attributes;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// (b) One SVI step (TraceElbo, Adam) of 100 separate scalar latents, each with one observation:
/// z_i ~ N(0, 1), x_i ~ N(z_i, 1), 200 <c>Sample</c> calls and no plate. This is the per-site
/// overhead benchmark: every tensor is a scalar, so the time is the framework's, not the math's.
/// The guide is hand-written mean-field normal (loc and positive scale per site).
/// </summary>
[Config(typeof(SviBenchmarkConfig))]
public class ScalarSitesBenchmarks
{
    private const int Sites = 100;
    private static readonly string[] LatentNames = [.. Enumerable.Range(0, Sites).Select(i => $"z{i}")];
    private static readonly string[] ObservedNames = [.. Enumerable.Range(0, Sites).Select(i => $"x{i}")];
    private static readonly string[] LocNames = [.. Enumerable.Range(0, Sites).Select(i => $"z{i}_loc")];
    private static readonly string[] ScaleNames = [.. Enumerable.Range(0, Sites).Select(i => $"z{i}_scale")];
    private Adam _adam = null!;
    private Svi<Tensor[]> _meanField = null!;
    private Tensor[] _data = [];
    private Adam _rawAdam = null!;
    private Adam _autoAdam = null!;
    private Adam _plateAdam = null!;
    private Adam _seededAdam = null!;
    private Svi<Tensor[]> _seeded = null!;
    private AutoNormal<Tensor> _plateGuide = null!;
    private Svi<Tensor> _plate = null!;
    private Tensor _stacked = null!;
    private AutoNormal<Tensor[]> _autoNormal = null!;
    private Svi<Tensor[]> _auto = null!;
    private (string Name, TorchSharp.Modules.Parameter Parameter)[] _raw = [];

    /// <summary>Whether distributions validate their arguments and values.</summary>
    [Params(true, false)]
    public bool Validation { get; set; }

    /// <summary>Draws the 100 observations.</summary>
    [GlobalSetup]
    public void Setup()
    {
        BenchEnvironment.Apply();
        Distribution.ValidationEnabled = Validation;
        random.manual_seed(5);
        _data = [.. Enumerable.Range(0, Sites).Select(_ => randn(1).squeeze().mul(1.4f).DetachFromDisposeScope())];
        _adam = new Adam(0.01);
        _meanField = new Svi<Tensor[]>(Model, MeanFieldGuide, _adam, new TraceElbo());
        _rawAdam = new Adam(0.01) { GroupedUpdates = true }; // as Svi steps
        _autoAdam = new Adam(0.01);
        _plateAdam = new Adam(0.01);
        _seededAdam = new Adam(0.01);
        _seeded = new Svi<Tensor[]>(Model, MeanFieldGuide, _seededAdam, new TraceElbo(), seed: 1);
        _stacked = stack(_data).DetachFromDisposeScope();
        _plateGuide = new AutoNormal<Tensor>(PlateModel);
        _plate = new Svi<Tensor>(PlateModel, _plateGuide.Guide, _plateAdam, new TraceElbo());
        _autoNormal = new AutoNormal<Tensor[]>(Model);
        _auto = new Svi<Tensor[]>(Model, _autoNormal.Guide, _autoAdam, new TraceElbo());
        _raw = new (string, TorchSharp.Modules.Parameter)[2 * Sites];
        for (int i = 0; i < Sites; i++)
        {
            _raw[2 * i] = (LocNames[i], RawParameter(0.0));
            _raw[(2 * i) + 1] = (ScaleNames[i], RawParameter(Math.Log(0.1)));
        }
    }

    /// <summary>Releases data, parameters and optimizer state.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _meanField.ParamStore.Dispose();
        _adam.Dispose();
        _rawAdam.Dispose();
        _auto.ParamStore.Dispose();
        _autoAdam.Dispose();
        _plate.ParamStore.Dispose();
        _plateAdam.Dispose();
        _seeded.ParamStore.Dispose();
        _seededAdam.Dispose();
        _plateGuide.Dispose();
        _stacked.Dispose();
        _autoNormal.Dispose();
        foreach (var (_, p) in _raw)
        {
            p.Dispose();
        }

        foreach (var t in _data)
        {
            t.Dispose();
        }

        Distribution.ValidationEnabled = true;
    }

    /// <summary>The step with <see cref="AutoNormal{TArgs}"/> as the guide (the configuration of the target).</summary>
    [Benchmark]
    public double AutoNormalGuide() => _auto.Step(_data);

    /// <summary>The step with the hand-written mean-field guide (separates autoguide overhead from core overhead).</summary>
    [Benchmark]
    public double HandGuide() => _meanField.Step(_data);

    /// <summary>
    /// The same step written directly in TorchSharp with 200 scalar parameters and per-site scalar
    /// ops (no framework, no validation): the floor for this structure on this machine.
    /// </summary>
    [Benchmark(Baseline = true)]
    public double RawTorchSharp()
    {
        using var scope = NewDisposeScope();
        var terms = new List<Tensor>(3 * Sites);
        for (int i = 0; i < Sites; i++)
        {
            Tensor loc = _raw[2 * i].Parameter, scale = _raw[(2 * i) + 1].Parameter.exp();
            var z = loc.add(scale.mul(randn_like(loc)));
            var zero = zeros_like(loc);
            var one = ones_like(loc);
            terms.Add(RegressionBenchmarks.RawNormalLogProb(z, zero, one));
            terms.Add(RegressionBenchmarks.RawNormalLogProb(_data[i], z, one));
            terms.Add(RegressionBenchmarks.RawNormalLogProb(z, loc, scale).neg());
        }

        var loss = stack(terms).sum().neg();
        loss.backward();
        _rawAdam.Step(_raw);
        Optimizer.ZeroGrad(_raw.Select(r => r.Parameter));
        return loss.to(ScalarType.Float64).item<double>();
    }

    /// <summary>The hand-guide step with a seeded SVI: a SeedMessenger per step and a generator per drawing site.</summary>
    [Benchmark]
    public double HandGuideSeeded() => _seeded.Step(_data);

    /// <summary>
    /// For reference, not the target's configuration: the same 100 latents written with a plate
    /// (one vectorized site each for z and x), AutoNormal. What vectorizing the model buys.
    /// </summary>
    [Benchmark]
    public double PlateAutoNormal() => _plate.Step(_stacked);

    /// <summary>The vectorized model: z ~ N(0, 1) and x ~ N(z, 1) in a plate of 100.</summary>
    public static Tensor PlateModel(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var sites = Plate("sites", data.shape[0]);
        var z = Sample("z", new Normal(zeros_like(data), 1.0));
        return Sample("x", new Normal(z, 1.0), obs: data);
    }

    /// <summary>The model: 100 latents, each observed once.</summary>
    public static object? Model(Tensor[] data)
    {
        for (int i = 0; i < data.Length; i++)
        {
            var z = Sample(LatentNames[i], new Normal(0.0, 1.0));
            Sample(ObservedNames[i], new Normal(z, 1.0), obs: data[i]);
        }

        return null;
    }

    private static TorchSharp.Modules.Parameter RawParameter(double value)
    {
        var parameter = new TorchSharp.Modules.Parameter(tensor((float)value), requires_grad: true);
        parameter.DetachFromDisposeScope();
        return parameter;
    }

    /// <summary>Mean-field guide: a loc and a positive scale parameter per latent.</summary>
    public static object? MeanFieldGuide(Tensor[] data)
    {
        for (int i = 0; i < data.Length; i++)
        {
            var loc = Param(LocNames[i], () => zeros(1).squeeze());
            var scale = Param(ScaleNames[i], () => full(1, 0.1).squeeze(), Constraints.Positive);
            Sample(LatentNames[i], new Normal(loc, scale));
        }

        return null;
    }
}
