using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using Ppl.Modules;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>Networks inside models and guides: trained by SVI, saved and loaded with the store.</summary>
[Collection("Sequential")]
public sealed class SviNetworkTests
{
    private static (Tensor X, Tensor Y) Data()
    {
        var gen = new Generator(7);
        var x = rand(64, 1, generator: gen).mul(4).sub(2);
        var y = x.squeeze(-1).sin().add(randn(64, generator: gen).mul(0.1));
        return (x, y);
    }

    private static TorchSharp.Modules.Sequential Net() => nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1));

    [Fact]
    public void APlainNetworkInAModelIsTrainedSavedAndLoaded()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(Path.GetTempPath(), $"ppl-net-{Guid.NewGuid():N}.bin");
        try
        {
            var (x, y) = Data();
            manual_seed(1);
            using var net = Net();

            // a regression network with a learned noise, fitted by maximum likelihood (an empty guide)
            Tensor Model(Tensor obs)
            {
                var f = Module("net", net).forward(x).squeeze(-1);
                var sigma = Param("sigma", tensor(1f), Constraints.Positive);
                using var rows = Plate("data", 64);
                return Sample("y", new Normal(f, sigma), obs: obs);
            }

            using var adam = new Adam(0.02);
            var svi = new Svi<Tensor>(Model, _ => null, adam, new TraceElbo(), seed: 0);
            double first = svi.Step(y);
            svi.Fit(y, 600);
            double last = svi.Evaluate(y);
            Assert.True(last < first - 50, $"−ELBO {first:F1} → {last:F1}");
            Assert.True(svi.ParamStore["sigma"].item<float>() < 0.3f);
            var trained = net.forward(x);
            Assert.True(trained.squeeze(-1).sub(y).square().mean().item<float>() < 0.05f);
            svi.ParamStore.Save(path);

            manual_seed(99); // a fresh network starts elsewhere
            using var fresh = Net();
            Assert.False(fresh.forward(x).allclose(trained));
            using var store = new ParamStore();
            store.Load(path);
            using (store.Activate())
            {
                Module("net", fresh);
            }

            Assert.Equal(trained.data<float>().ToArray(), fresh.forward(x).data<float>().ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class Bnn : PplModule<Tensor, Tensor>
    {
        private readonly PplLinear fc1 = new PplLinear(1, 8).WithNormalPriors(1.0);
        private readonly PplLinear fc2 = new PplLinear(8, 1).WithNormalPriors(1.0);

        public Bnn()
            : base(nameof(Bnn)) => RegisterComponents();

        protected override Tensor Compute(Tensor x) => fc2.forward(fc1.forward(x).tanh()).squeeze(-1);
    }

    [Fact]
    public void ABayesianNetworksGuideIsSavedAndLoadedIntoFreshInstances()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(Path.GetTempPath(), $"ppl-bnn-{Guid.NewGuid():N}.bin");
        try
        {
            var (x, y) = Data();
            using var bnn = new Bnn();

            Func<(Tensor X, Tensor? Y), Tensor> model(Bnn net) => d =>
            {
                var f = Module("bnn", net).forward(d.X);
                using var rows = Plate("data", d.X.shape[0]);
                return Sample("y", new Normal(f, 0.1), obs: d.Y);
            };

            using var guide = new AutoNormal<(Tensor X, Tensor? Y)>(model(bnn));
            using var adam = new Adam(0.02);
            var svi = new Svi<(Tensor X, Tensor? Y)>(model(bnn), guide.Guide, adam, new TraceElbo(), seed: 0);
            svi.Fit((x, y), 200);
            Assert.Equal(
                new[] { "bnn.fc1.weight", "bnn.fc1.bias", "bnn.fc2.weight", "bnn.fc2.bias" },
                guide.Sites.Select(s => s.Name));
            svi.ParamStore.Save(path);
            var predictive = new Predictive<(Tensor X, Tensor? Y)>(model(bnn), guide.Guide, numSamples: 5, paramStore: svi.ParamStore);
            var expected = predictive.Sample((x, null), seed: 11)["y"];

            using var bnn2 = new Bnn();
            using var guide2 = new AutoNormal<(Tensor X, Tensor? Y)>(model(bnn2));
            using var store = new ParamStore();
            store.Load(path);
            // the fresh guide must see the model with y observed, as the trained one did (with y
            // missing it would take y for a latent)
            using (store.Activate())
            {
                guide2.Guide((x, y));
            }

            var predictive2 = new Predictive<(Tensor X, Tensor? Y)>(model(bnn2), guide2.Guide, numSamples: 5, paramStore: store);
            var actual = predictive2.Sample((x, null), seed: 11)["y"];
            Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
