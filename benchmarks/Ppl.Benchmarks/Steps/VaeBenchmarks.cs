using BenchmarkDotNet.Attributes;
using Ppl.Distributions;
using Ppl.Examples.VaeMnist;
using Ppl.Inference;
using Ppl.Inference.Optim;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// (c) One SVI step of the vae-mnist example's 784-400-50 VAE (softplus hidden layers, as Pyro's) with a Bernoulli decoder on a batch of 128 binary (<see cref="BatchSize"/>)
/// images, through Ppl (model and guide register their networks with <c>Module</c>) and as the
/// same computation written directly in TorchSharp. Both use the same layers, the same
/// reparameterized single-sample ELBO, and the same optimizer object type
/// (<see cref="Ppl.Inference.Optim.Adam"/>, lr 1e-3), so the difference is the framework's.
/// </summary>
[Config(typeof(SviBenchmarkConfig))]
public class VaeBenchmarks
{
    private const int Latent = 50;
    private VaeEncoder _pplEncoder = null!;
    private VaeDecoder _pplDecoder = null!;
    private VaeEncoder _rawEncoder = null!;
    private VaeDecoder _rawDecoder = null!;
    private Adam _pplAdam = null!;
    private Adam _rawAdam = null!;
    private Svi<Tensor> _svi = null!;
    private Tensor _data = null!;
    private (string Name, TorchSharp.Modules.Parameter Parameter)[] _rawParameters = [];

    /// <summary>Whether distributions validate their arguments and values (the library default is on).</summary>
    [Params(true, false)]
    public bool Validation { get; set; }

    /// <summary>
    /// Images per batch, 128 unless set before <see cref="Setup"/>. Not a BenchmarkDotNet
    /// parameter: the suite and the <c>quick</c> rows stay at 128; the thread study
    /// (<see cref="ThreadCountStudy"/>) also runs 1024.
    /// </summary>
    public int BatchSize { get; set; } = 128;

    /// <summary>Builds both copies of the networks from the same seed and a fixed random binary batch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        BenchEnvironment.Apply();
        Distribution.ValidationEnabled = Validation;
        random.manual_seed(7);
        _data = bernoulli(full(BatchSize, 784, 0.3f)).DetachFromDisposeScope();
        random.manual_seed(11);
        _pplEncoder = new VaeEncoder(400, Latent);
        _pplDecoder = new VaeDecoder(400, Latent);
        random.manual_seed(11);
        _rawEncoder = new VaeEncoder(400, Latent);
        _rawDecoder = new VaeDecoder(400, Latent);
        _rawParameters =
        [
            .. _rawEncoder.named_parameters().Select(p => ("encoder$" + p.name, p.parameter)),
            .. _rawDecoder.named_parameters().Select(p => ("decoder$" + p.name, p.parameter)),
        ];
        _pplAdam = new Adam(1e-3);
        _rawAdam = new Adam(1e-3) { GroupedUpdates = true }; // as Svi steps
        _svi = new Svi<Tensor>(Model, Guide, _pplAdam, new TraceElbo());
    }

    /// <summary>Releases networks, data and optimizer state.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _svi.ParamStore.Dispose();
        _pplAdam.Dispose();
        _rawAdam.Dispose();
        _pplEncoder.Dispose();
        _pplDecoder.Dispose();
        _rawEncoder.Dispose();
        _rawDecoder.Dispose();
        _data.Dispose();
        Distribution.ValidationEnabled = true;
    }

    /// <summary>The hand-written TorchSharp step.</summary>
    [Benchmark(Baseline = true)]
    public double RawTorchSharp()
    {
        using var scope = NewDisposeScope();
        var (loc, scale) = _rawEncoder.forward(_data);
        var z = loc.add(scale.mul(randn_like(loc)));
        // log N(z; loc, scale) and log N(z; 0, 1), constants included as Normal.LogProb has them
        double halfLog2Pi = 0.5 * Math.Log(2 * Math.PI);
        var logQ = z.sub(loc).div(scale).square().mul(-0.5).sub(scale.log()).sub(halfLog2Pi).sum();
        var logPz = z.square().mul(-0.5).sub(halfLog2Pi).sum();
        var logits = _rawDecoder.forward(z);
        var logPx = _data.mul(logits).sub(nn.functional.softplus(logits)).sum();
        var loss = logPz.add(logPx).sub(logQ).neg();
        loss.backward();
        _rawAdam.Step(_rawParameters);
        Optimizer.ZeroGrad(_rawParameters.Select(p => p.Parameter));
        return loss.to(ScalarType.Float64).item<double>();
    }

    /// <summary>The same step through <see cref="Svi{TArgs}"/> and <see cref="TraceElbo"/>.</summary>
    [Benchmark]
    public double PplSvi() => _svi.Step(_data);

    /// <summary>The batch every step fits (set up by <see cref="Setup"/>).</summary>
    internal Tensor Data => _data;

    /// <summary>The model: N(0, I) latents decoded to Bernoulli logits, in a data plate.</summary>
    internal Tensor Model(Tensor x)
    {
        var decoder = Module("decoder", _pplDecoder);
        using var data = Plate("data", x.shape[0]);
        var z = Sample("z", new Normal(zeros(x.shape[0], Latent, dtype: x.dtype, device: x.device), 1.0).ToEvent(1));
        // unvalidated as in Pyro's VAE example and the side-by-side script (bench_vae.py): the pixels are known to be 0 or 1
        return Sample("x", Bernoulli.FromLogits(decoder.forward(z)).Unvalidated().ToEvent(1), obs: x);
    }

    /// <summary>The amortized guide: the encoder's Normal over the latents.</summary>
    internal Tensor Guide(Tensor x)
    {
        var encoder = Module("encoder", _pplEncoder);
        using var data = Plate("data", x.shape[0]);
        var (loc, scale) = encoder.forward(x);
        return Sample("z", new Normal(loc, scale).ToEvent(1));
    }
}
