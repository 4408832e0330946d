using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using Ppl.Modules;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Modules;

[Collection("Sequential")]
public sealed class PplModuleTests
{
    /// <summary>
    /// A random linear layer, a plain TorchSharp layer, a positive param and a random shift whose
    /// prior's scale is that param: every kind of attribute, nested one level.
    /// </summary>
    private sealed class Regressor : PplModule<Tensor, Tensor>
    {
        private readonly PplLinear layer;
        private readonly TorchSharp.Modules.Linear head;

        public Regressor(Device? device = null)
            : base(nameof(Regressor))
        {
            layer = new PplLinear(2, 3, device: device, dtype: float64).WithNormalPriors(1.0);
            head = nn.Linear(3, 1, device: device, dtype: float64);
            Set("noise", new PplParam(tensor(0.5, float64, device), Constraints.Positive));
            Set("shift", new PplSample(() => new Normal(zeros(1, float64, device).squeeze(), Get("noise"))));
            RegisterComponents();
        }

        public PplLinear Layer => layer;

        public TorchSharp.Modules.Linear Head => head;

        // "shift" is read twice: within one call both reads are the same draw and one site
        protected override Tensor Compute(Tensor input) =>
            head.forward(layer.forward(input).tanh()).squeeze(-1).add(Get("shift")).sub(Get("shift")).add(Get("shift"));
    }

    private static Trace TraceOf(Func<Tensor> run, long seed = 1)
    {
        var tracer = new TraceMessenger();
        using (new SeedMessenger(seed).Install())
        using (tracer.Install())
        {
            run();
        }

        return tracer.Trace;
    }

    [Fact]
    public void RunningTheModuleRecordsItsAttributesAsQualifiedSites()
    {
        using var scope = NewDisposeScope();
        using var net = new Regressor();
        var x = randn(4, 2, float64);
        var trace = TraceOf(() => Module("net", net).forward(x));

        var sites = trace.Nodes.Select(s => (s.Name, s.Kind)).ToArray();
        Assert.Equal(
            new[]
            {
                ("net.head.weight", SiteKind.Param), ("net.head.bias", SiteKind.Param), // registered by Module
                ("net.head.weight", SiteKind.Param), ("net.head.bias", SiteKind.Param), // and at the start of the call
                ("net.layer.weight", SiteKind.Sample), ("net.layer.bias", SiteKind.Sample),
                ("net.noise", SiteKind.Param), ("net.shift", SiteKind.Sample),
            }.Distinct(),
            sites.Distinct());
        Assert.Equal(1, trace.Nodes.Count(s => s.Name == "net.shift"));
        Assert.Equal(new long[] { 3, 2 }, trace["net.layer.weight"].Value!.shape);
        Assert.Equal(2, trace["net.layer.weight"].Distribution!.EventShape.Length);
        Assert.Equal(0.5, trace["net.noise"].Value!.item<double>(), 12);
    }

    [Fact]
    public void WithoutModuleTheSitesAreNamedFromTheRoot()
    {
        using var scope = NewDisposeScope();
        using var net = new Regressor();
        var trace = TraceOf(() => net.forward(randn(4, 2, float64)));
        Assert.Contains("layer.weight", trace.Nodes.Select(s => s.Name));
        Assert.Contains("head.bias", trace.Nodes.Select(s => s.Name));
        Assert.Contains("shift", trace.Nodes.Select(s => s.Name));
    }

    [Fact]
    public void OutsideAnyHandlerItIsAPlainNetworkDrawingFromThePriors()
    {
        using var scope = NewDisposeScope();
        using var net = new Regressor();
        var x = randn(4, 2, float64);
        var first = net.forward(x);
        var second = net.forward(x);
        Assert.Equal(new long[] { 4 }, first.shape);
        Assert.False(first.allclose(second), "each call draws the random weights afresh from their priors");
        Assert.Equal(0.5, net.Get("noise").item<double>(), 12);
        Assert.Contains("noise_unconstrained", net.named_parameters().Select(p => p.name));
        Assert.Equal(Math.Log(0.5), net.named_parameters().Single(p => p.name == "noise_unconstrained").parameter.item<double>(), 12);
        Assert.DoesNotContain(net.Layer.named_parameters(), p => p.name == "weight");
    }

    [Fact]
    public void APriorBuiltFromAnotherAttributeFollowsIt()
    {
        using var scope = NewDisposeScope();
        using var net = new Regressor();
        var x = randn(4, 2, float64);
        var before = TraceOf(() => net.forward(x));
        Assert.Equal(0.5, ((Normal)before["shift"].Distribution!).Scale.item<double>(), 12);

        net.Set("noise", new PplParam(tensor(3.0, float64), Constraints.Positive));
        var after = TraceOf(() => net.forward(x));
        Assert.Equal(3.0, ((Normal)after["shift"].Distribution!).Scale.item<double>(), 12);

        // a substituted param value reaches the prior too: the prior reads the param site
        var substituted = TraceOf(() => ((Func<Tensor, Tensor>)net.forward).Substitute(new Dictionary<string, Tensor> { ["noise"] = tensor(7.0, float64) })(x));
        Assert.Equal(7.0, ((Normal)substituted["shift"].Distribution!).Scale.item<double>(), 12);
    }

    [Fact]
    public void NestedModulesGetFullyQualifiedNames()
    {
        using var scope = NewDisposeScope();
        using var outer = new Outer();
        var trace = TraceOf(() => Module("model", outer).forward(ones(1, 2, float64)));
        Assert.Equal(
            new[] { "model.inner.layer.weight", "model.inner.layer.bias", "model.inner.noise", "model.inner.shift" },
            trace.Nodes.Where(s => s.Name.Contains("inner", StringComparison.Ordinal) && s.Name.Contains('.', StringComparison.Ordinal) && !s.Name.Contains("head", StringComparison.Ordinal)).Select(s => s.Name).Distinct());
        Assert.Contains("model.inner.head.weight", trace.Nodes.Select(s => s.Name));
    }

    private sealed class Outer : PplModule<Tensor, Tensor>
    {
        private readonly Regressor inner = new();

        public Outer()
            : base(nameof(Outer)) => RegisterComponents();

        protected override Tensor Compute(Tensor input) => inner.forward(input);
    }

    [Fact]
    public void TheStoreHoldsTheModulesOwnTensors()
    {
        using var scope = NewDisposeScope();
        using var net = new Regressor();
        using var store = new ParamStore();
        using (store.Activate())
        {
            Module("net", net).forward(randn(4, 2, float64));
        }

        Assert.Equal(new[] { "net.head.weight", "net.head.bias", "net.noise" }, store.Names);
        Assert.Same(net.Head.weight, store.GetUnconstrained("net.head.weight"));
        Assert.Same(net.get_parameter("noise_unconstrained"), store.GetUnconstrained("net.noise"));
        Assert.Equal(Constraints.Positive, store.GetConstraint("net.noise"));
        Assert.Equal(0.5, store["net.noise"].item<double>(), 12);
    }

    [Fact]
    public void AForwardOnTheMetaDeviceRunsInsideATrace()
    {
        using var scope = NewDisposeScope();
        var meta = new Device(DeviceType.META);
        using var net = new Regressor(meta);
        var x = empty(5, 2, float64, meta);
        var tracer = new TraceMessenger();
        Tensor y;
        using (new SeedMessenger(3).Install())
        using (tracer.Install())
        {
            y = Module("net", net).forward(x);
            Sample("y", new Normal(y, 1.0), obs: empty(5, float64, meta));
        }

        Assert.Equal(DeviceType.META, y.device_type);
        Assert.Equal(new long[] { 5 }, y.shape);
        Assert.All(tracer.Trace.Nodes, s => Assert.Equal(DeviceType.META, s.Value!.device_type));
        Assert.Equal(DeviceType.META, tracer.Trace.LogProbSum().device_type);
    }

    [Fact]
    public void ManyTracedRunsLeaveNoTensorBehind()
    {
        using var net = new Regressor();
        using var x = randn(4, 2, float64);
        using var store = new ParamStore();

        void Run()
        {
            using var scope = NewDisposeScope();
            var tracer = new TraceMessenger();
            using (store.Activate())
            using (new SeedMessenger(1).Install())
            using (tracer.Install())
            {
                var y = Module("net", net).forward(x);
                Sample("y", new Normal(y, 1.0), obs: zeros(4, float64));
            }

            tracer.Trace.LogProbSum().backward();
            net.zero_grad();
        }

        for (int i = 0; i < 5; i++)
        {
            Run();
            using (NewDisposeScope())
            {
                net.forward(x); // outside handlers as well
            }
        }

        long before = LiveTensors.Count();
        for (int i = 0; i < 200; i++)
        {
            Run();
        }

        Assert.Equal(before, LiveTensors.Count());
    }
}
