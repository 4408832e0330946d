using Ppl.Distributions;
using Ppl.Modules;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Params;

/// <summary>A store moved across devices takes its own parameters and the modules whose parameters it holds along.</summary>
[Collection("Sequential")]
public sealed class ParamStoreMoveTests
{
    private sealed class Scaled : PplModule<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear inner = nn.Linear(2, 2);

        public Scaled()
            : base(nameof(Scaled))
        {
            Set("gain", new PplParam(tensor(2f), Constraints.Positive));
            RegisterComponents();
        }

        protected override Tensor Compute(Tensor input) => inner.forward(input).mul(Get("gain"));
    }

    [Fact]
    public void MovingToMetaMovesStoredTensorsAndModuleParametersAndKeepsThemTheSame()
    {
        using var scope = NewDisposeScope();
        using var plain = nn.Linear(3, 2);
        using var ppl = new Scaled();
        using var store = new ParamStore();
        using (store.Activate())
        {
            Param("sigma", tensor(1.5f), Constraints.Positive);
            Module("plain", plain);
            Module("ppl", ppl).forward(ones(1, 2));
        }

        Assert.Equal(new[] { "sigma", "plain$weight", "plain$bias", "ppl.inner.weight", "ppl.inner.bias", "ppl.gain" }, store.Names);
        var meta = new Device(DeviceType.META);
        store.To(meta);

        Assert.All(store.Names, n => Assert.Equal(DeviceType.META, store.GetUnconstrained(n).device_type));
        Assert.All(plain.parameters().Concat(ppl.parameters()), p => Assert.Equal(DeviceType.META, p.device_type));
        // the store holds the very tensors the modules compute with, not stale copies
        Assert.Same(plain.weight, store.GetUnconstrained("plain$weight"));
        Assert.Same(plain.bias, store.GetUnconstrained("plain$bias"));
        Assert.Same(ppl.get_parameter("gain_unconstrained"), store.GetUnconstrained("ppl.gain"));
        var inner = ppl.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Same(inner["inner.weight"], store.GetUnconstrained("ppl.inner.weight"));
        Assert.Equal(Constraints.Positive, store.GetConstraint("sigma"));

        // and a model keeps running on the new device
        using (store.Activate())
        {
            var y = Module("ppl", ppl).forward(empty(4, 2, device: meta));
            Assert.Equal(DeviceType.META, y.device_type);
            Assert.Equal(DeviceType.META, Param("sigma").device_type);
        }
    }

    [Fact]
    public void MovingToTheDeviceItIsOnChangesNothing()
    {
        using var scope = NewDisposeScope();
        using var plain = nn.Linear(3, 2);
        using var store = new ParamStore();
        using (store.Activate())
        {
            Param("a", tensor(1f));
            Module("plain", plain);
        }

        var a = store.GetUnconstrained("a");
        store.To(CPU);
        Assert.Same(a, store.GetUnconstrained("a"));
        Assert.Same(plain.weight, store.GetUnconstrained("plain$weight"));
    }

    [Fact]
    public void AParameterRegisteredWithoutItsModuleCannotBeMoved()
    {
        using var scope = NewDisposeScope();
        using var plain = nn.Linear(3, 2);
        using var store = new ParamStore();
        store.Register("loose", plain.weight!);
        var e = Assert.Throws<InvalidOperationException>(() => store.To(new Device(DeviceType.META)));
        Assert.Contains("loose", e.Message, StringComparison.Ordinal);
        Assert.Equal(DeviceType.CPU, store.GetUnconstrained("loose").device_type);
    }

    [Fact]
    public void AConstrainedModuleParameterIsSavedAndLoadedIntoAFreshModule()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(Path.GetTempPath(), $"ppl-move-{Guid.NewGuid():N}.bin");
        try
        {
            using var first = new Scaled();
            var x = randn(4, 2);
            Tensor expected;
            using (var store = new ParamStore())
            {
                using (store.Activate())
                {
                    Module("net", first).forward(x);
                }

                using (no_grad())
                {
                    first.get_parameter("gain_unconstrained")!.add_(0.7); // as if trained
                }

                store.Save(path);
                expected = first.forward(x);
            }

            using var second = new Scaled();
            using var loaded = new ParamStore();
            loaded.Load(path);
            Tensor actual;
            using (loaded.Activate())
            {
                actual = Module("net", second).forward(x);
            }

            Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
            Assert.Equal(expected.data<float>().ToArray(), second.forward(x).data<float>().ToArray());
            Assert.Equal(Constraints.Positive, loaded.GetConstraint("net.gain"));
            Assert.Same(second.get_parameter("gain_unconstrained"), loaded.GetUnconstrained("net.gain"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
