using Ppl.Data;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Optim;
using TorchSharp;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>
/// SVI steps of the MNIST-sized VAE (784→400→50 encoder with two heads, 50→400→784 decoder,
/// Bernoulli pixels, batches of a subsampled plate): device-clean on meta, leak-free over an epoch.
/// </summary>
[Collection("Sequential")]
public sealed class VaeStepTests
{
    private const int Pixels = 784, Hidden = 400, Latent = 50;

    private sealed class Encoder : nn.Module<Tensor, (Tensor Loc, Tensor Scale)>
    {
        private readonly TorchSharp.Modules.Linear _hidden = nn.Linear(Pixels, Hidden);
        private readonly TorchSharp.Modules.Linear _loc = nn.Linear(Hidden, Latent);
        private readonly TorchSharp.Modules.Linear _logScale = nn.Linear(Hidden, Latent);

        public Encoder()
            : base(nameof(Encoder)) => RegisterComponents();

        public override (Tensor Loc, Tensor Scale) forward(Tensor x)
        {
            using var h = nn.functional.softplus(_hidden.forward(x));
            return (_loc.forward(h), _logScale.forward(h).exp());
        }
    }

    private sealed class Decoder : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear _hidden = nn.Linear(Latent, Hidden);
        private readonly TorchSharp.Modules.Linear _logits = nn.Linear(Hidden, Pixels);

        public Decoder()
            : base(nameof(Decoder)) => RegisterComponents();

        public override Tensor forward(Tensor z)
        {
            using var h = nn.functional.softplus(_hidden.forward(z));
            return _logits.forward(h);
        }
    }

    private sealed record Batch(MiniBatch Rows, Tensor X, Encoder Encoder, Decoder Decoder);

    private static Tensor Model(Batch b)
    {
        var decoder = Module("decoder", b.Decoder);
        using var data = b.Rows.Plate("data", device: b.X.device);
        var z = Sample("z", new Normal(zeros(Latent, device: b.X.device), ones(Latent, device: b.X.device)).ToEvent(1));
        return Sample("x", Bernoulli.FromLogits(decoder.forward(z)).ToEvent(1), obs: b.Rows.Select(b.X));
    }

    private static Tensor Guide(Batch b)
    {
        var encoder = Module("encoder", b.Encoder);
        using var data = b.Rows.Plate("data", device: b.X.device);
        var (loc, scale) = encoder.forward(b.Rows.Select(b.X));
        return Sample("z", new Normal(loc, scale).ToEvent(1));
    }

    [Fact]
    public void AStepRunsOnTheMetaDevice()
    {
        var meta = device("meta");
        using var x = empty([1024, Pixels], device: meta);
        using var encoder = new Encoder();
        using var decoder = new Decoder();
        encoder.to(meta);
        decoder.to(meta);
        using var adam = new Adam(1e-3);
        var svi = new Svi<Batch>(Model, Guide, adam, new TraceElbo(), seed: 0);
        var batch = new MiniBatches(1024, 128, seed: 1).Epoch(0).First();

        double loss = svi.Step(new Batch(batch, x, encoder, decoder));
        loss = svi.Step(new Batch(batch, x, encoder, decoder)); // a second step runs on the optimizer's state

        Assert.True(double.IsNaN(loss)); // a meta tensor has no value to report
        Assert.Equal(10, svi.ParamStore.Names.Count); // 3 + 2 linear layers, weight and bias each
        Assert.All(svi.ParamStore.Names, n => Assert.Equal(DeviceType.META, svi.ParamStore[n].device_type));
        Assert.All(encoder.parameters().Concat(decoder.parameters()), p => Assert.Equal(DeviceType.META, p.device_type));
    }

    [Fact]
    [Trait(Stage.Key, Stage.Slow)]
    public void AnEpochLeavesNoLiveTensorsBehind()
    {
        using var x = rand([512, Pixels], generator: new Generator(3)).gt(0.7).to(ScalarType.Float32);
        using var encoder = new Encoder();
        using var decoder = new Decoder();
        using var adam = new Adam(1e-3);
        var svi = new Svi<Batch>(Model, Guide, adam, new TraceElbo(), seed: 0);
        var batches = new MiniBatches(512, 64, seed: 2);
        void Epoch(int n)
        {
            foreach (var batch in batches.Epoch(n))
            {
                svi.Step(new Batch(batch, x, encoder, decoder));
            }
        }

        Epoch(0); // warm-up: parameters and optimizer state come into being
        long before = LiveTensors.Count();
        Epoch(1);
        Assert.Equal(before, LiveTensors.Count());
    }
}
