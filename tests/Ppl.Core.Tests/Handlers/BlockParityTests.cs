using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Handlers;

/// <summary>
/// Pyro's <c>poutine.block</c> options as <see cref="BlockMessenger.Create"/>,
/// <see cref="BlockMessenger.ExposeWhere"/> and the hide-function constructor: ports of pyro
/// tests/poutine/test_poutines.py::BlockHandlerTests (Pyro's _INPUT and _RETURN nodes have no Ppl counterpart).
/// </summary>
[Collection("Sequential")]
public sealed class BlockParityTests
{
    private static readonly string[] ModelSites = ["latent1", "latent2", "obs"];
    private static readonly string[] GuideSites = ["latent1", "latent2", "loc1", "scale1", "loc2", "scale2"];
    private static readonly string[] PartialSampleSites = ["latent1"];
    private static readonly string[] FullSampleSites = ["latent1", "latent2"];

    private static Tensor Model(bool _)
    {
        var latent1 = Sample("latent1", new Normal(zeros(2), ones(2)));
        var latent2 = Sample("latent2", new Normal(latent1, ones(2).mul(5)));
        Sample("obs", new Normal(latent2, ones(2)), obs: ones(2));
        return latent1;
    }

    private static Tensor Guide(bool _)
    {
        var loc1 = Param("loc1", () => randn(2));
        var scale1 = Param("scale1", () => ones(2));
        Sample("latent1", new Normal(loc1, scale1));
        var loc2 = Param("loc2", () => randn(2));
        var scale2 = Param("scale2", () => ones(2));
        return Sample("latent2", new Normal(loc2, scale2));
    }

    private static Trace Blocked(Func<bool, Tensor> fn, Func<BlockMessenger> block) => fn.With(block).GetTrace(false);

    // ports pyro tests/poutine/test_poutines.py::BlockHandlerTests::test_block_hide_fn. Pyro ignores
    // expose=["latent1"] next to hide_fn; Ppl's hide function takes no other option
    [Fact]
    public void BlockHideFn()
    {
        using var scope = NewDisposeScope();
        var trace = Blocked(Model, () => new BlockMessenger(m => m.Name.Contains("latent", StringComparison.Ordinal)));

        Assert.False(trace.Contains("latent1"));
        Assert.False(trace.Contains("latent2"));
        Assert.True(trace.Contains("obs"));
    }

    // ports pyro tests/poutine/test_poutines.py::BlockHandlerTests::test_block_expose_fn (Pyro ignores hide=["latent1"] next to expose_fn)
    [Fact]
    public void BlockExposeFn()
    {
        using var scope = NewDisposeScope();
        var trace = Blocked(Model, () => BlockMessenger.ExposeWhere(m => m.Name.Contains("latent", StringComparison.Ordinal)));

        Assert.True(trace.Contains("latent1"));
        Assert.True(trace.Contains("latent2"));
        Assert.False(trace.Contains("obs"));
    }

    // ports pyro tests/poutine/test_poutines.py::BlockHandlerTests::test_block_full
    [Fact]
    public void BlockFull()
    {
        using var scope = NewDisposeScope();
        Assert.Empty(Blocked(Model, () => BlockMessenger.Create()).Nodes);
        Assert.Empty(Blocked(Guide, () => BlockMessenger.Create()).Nodes);
    }

    // ports pyro tests/poutine/test_poutines.py::BlockHandlerTests::test_block_full_hide
    [Fact]
    public void BlockFullHide()
    {
        using var scope = NewDisposeScope();
        Assert.Empty(Blocked(Model, () => BlockMessenger.Create(hide: ModelSites)).Nodes);
        Assert.Empty(Blocked(Guide, () => BlockMessenger.Create(hide: GuideSites)).Nodes);
    }

    // ports pyro tests/poutine/test_poutines.py::BlockHandlerTests::test_block_full_expose
    [Fact]
    public void BlockFullExpose()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(ModelSites, Blocked(Model, () => BlockMessenger.Create(expose: ModelSites)).Nodes.Select(s => s.Name));
        Assert.Equal(GuideSites.Order(), Blocked(Guide, () => BlockMessenger.Create(expose: GuideSites)).Nodes.Select(s => s.Name).Order());
    }

    // ports pyro tests/poutine/test_poutines.py::BlockHandlerTests::test_block_full_hide_expose
    [Fact]
    public void BlockFullHideExpose()
    {
        var e = Assert.Throws<ArgumentException>(() => BlockMessenger.Create(hide: PartialSampleSites, expose: PartialSampleSites));
        Assert.Contains("'latent1'", e.Message, StringComparison.Ordinal);
    }

    // ports pyro tests/poutine/test_poutines.py::BlockHandlerTests::test_block_partial_hide
    [Fact]
    public void BlockPartialHide()
    {
        using var scope = NewDisposeScope();
        var model = Blocked(Model, () => BlockMessenger.Create(hide: PartialSampleSites));
        var guide = Blocked(Guide, () => BlockMessenger.Create(hide: PartialSampleSites));

        foreach (var name in FullSampleSites)
        {
            bool hidden = PartialSampleSites.Contains(name);
            Assert.Equal(!hidden, model.Contains(name));
            Assert.Equal(!hidden, guide.Contains(name));
        }
    }

    // ports pyro tests/poutine/test_poutines.py::BlockHandlerTests::test_block_partial_expose
    [Fact]
    public void BlockPartialExpose()
    {
        using var scope = NewDisposeScope();
        var model = Blocked(Model, () => BlockMessenger.Create(expose: PartialSampleSites));
        var guide = Blocked(Guide, () => BlockMessenger.Create(expose: PartialSampleSites));

        foreach (var name in FullSampleSites)
        {
            bool exposed = PartialSampleSites.Contains(name);
            Assert.Equal(exposed, model.Contains(name));
            Assert.Equal(exposed, guide.Contains(name));
        }
    }

    // ports pyro tests/poutine/test_poutines.py::BlockHandlerTests::test_block_tutorial_case
    [Fact]
    public void BlockTutorialCase()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = Model;
        var modelTrace = model.GetTrace(false);
        var guideTrace = Blocked(Guide, () => BlockMessenger.Create(hideKinds: [BlockMessenger.Observe]));

        Assert.True(modelTrace.Contains("latent1"));
        Assert.True(guideTrace.Contains("latent1"));
        Assert.True(modelTrace.Contains("obs"));
        Assert.False(guideTrace.Contains("obs"));
    }

    [Fact]
    public void HidingTheObserveKindHidesObservationsOnlyAndSampleKindLatentsOnly()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(["latent1", "latent2"], Blocked(Model, () => BlockMessenger.Create(hideKinds: [BlockMessenger.Observe])).Nodes.Select(s => s.Name));
        Assert.Equal(["obs"], Blocked(Model, () => BlockMessenger.HideKinds(SiteKind.Sample)).Nodes.Select(s => s.Name));
        Assert.Equal(["obs"], Blocked(Model, () => BlockMessenger.Create(exposeKinds: [BlockMessenger.Observe])).Nodes.Select(s => s.Name));
    }

    // the option rules of Pyro's _make_default_hide_fn: hide turns hiding by default off, expose and exposeKinds turn it on
    [Fact]
    public void OptionPrecedenceFollowsPyro()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(["latent1", "latent2", "obs"], Blocked(Model, () => BlockMessenger.Create(hideAll: false)).Nodes.Select(s => s.Name));
        Assert.Equal(["latent1", "latent2", "obs"], Blocked(Model, () => BlockMessenger.Create(hideAll: false, exposeAll: true)).Nodes.Select(s => s.Name));
        Assert.Equal(["latent1", "obs"], Blocked(Model, () => BlockMessenger.Create(hide: ["latent2"], exposeKinds: [BlockMessenger.Observe, SiteKind.Sample])).Nodes.Select(s => s.Name));
        Assert.Equal(["latent1"], Blocked(Model, () => BlockMessenger.Create(hide: ["latent2"], exposeKinds: [SiteKind.Sample])).Nodes.Select(s => s.Name));
        Assert.Throws<ArgumentException>(() => BlockMessenger.Create(exposeAll: true));
        Assert.Throws<ArgumentException>(() => BlockMessenger.Create(hideKinds: [SiteKind.Param], exposeKinds: [SiteKind.Param]));
    }
}
