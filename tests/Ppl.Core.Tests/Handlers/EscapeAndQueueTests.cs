using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Handlers;

/// <summary>
/// Pyro's <c>poutine.escape</c> (<see cref="EscapeMessenger"/>, <see cref="NonlocalExitException"/>)
/// and <c>poutine.queue</c> (<see cref="Poutine.Queue{TArgs, TOut}"/>) with the helpers of
/// <c>pyro.poutine.util</c>: ports of pyro tests/poutine/test_poutines.py.
/// </summary>
[Collection("Sequential")]
public sealed class EscapeAndQueueTests
{
    // one continuous, one discrete, one continuous site (EscapeHandlerTests / QueueHandlerMixedTest)
    private static Dictionary<string, Tensor> Mixed(bool _)
    {
        var p = tensor(new[] { 0.5f });
        var loc = zeros(1);
        var scale = ones(1);
        var x = Sample("x", new Normal(loc, scale));
        var y = Sample("y", Bernoulli.FromProbs(p));
        var z = Sample("z", new Normal(loc, scale));
        return new() { ["x"] = x, ["y"] = y, ["z"] = z };
    }

    // a Gaussian-mixture HMM with three binary latents (QueueHandlerDiscreteTest)
    private static List<Tensor> Hmm(bool _)
    {
        var probs = Param("probs", () => tensor(new[,] { { 0.8f }, { 0.3f } }));
        var loc = Param("loc", () => tensor(new[,] { { -0.1f }, { 0.9f } }));
        var scale = ones(1, 1);
        var latents = new List<Tensor> { ones(1) };
        for (int t = 0; t < 3; t++)
        {
            latents.Add(Sample($"latent_{t}", Bernoulli.FromProbs(probs[latents[^1][0].to(ScalarType.Int64).item<long>()])));
            Sample($"observe_{t}", new Normal(loc[latents[^1][0].to(ScalarType.Int64).item<long>()], scale), obs: ones(1));
        }

        return latents;
    }

    private static readonly string[] HmmSites = ["observe_0", "observe_1", "observe_2", "latent_0", "latent_1", "latent_2"];

    private static Queue<Trace> SeededQueue() => new([new Trace()]);

    // ports pyro tests/poutine/test_poutines.py::EscapeHandlerTests::test_discrete_escape
    [Fact]
    public void DiscreteEscape()
    {
        using var scope = NewDisposeScope();
        Func<bool, Dictionary<string, Tensor>> model = Mixed;
        var escaping = model.Escape(m => PoutineUtil.DiscreteEscape(new Trace(), m));

        var e = Assert.Throws<NonlocalExitException>(() => escaping(false));

        Assert.Equal("y", e.Site.Name);
        Assert.Null(e.Site.Value);
        Assert.IsType<Bernoulli>(e.Site.Distribution);
    }

    // ports pyro tests/poutine/test_poutines.py::EscapeHandlerTests::test_all_escape
    [Fact]
    public void AllEscape()
    {
        using var scope = NewDisposeScope();
        Func<bool, Dictionary<string, Tensor>> model = Mixed;

        var e = Assert.Throws<NonlocalExitException>(() => model.Escape(m => PoutineUtil.AllEscape(new Trace(), m))(false));

        Assert.Equal("x", e.Site.Name);
    }

    // ports pyro tests/poutine/test_poutines.py::EscapeHandlerTests::test_trace_compose
    [Fact]
    public void TraceCompose()
    {
        using var scope = NewDisposeScope();
        var inner = new TraceMessenger();
        Func<bool, Dictionary<string, Tensor>> traced = _ => inner.Run(() => Mixed(false));
        Assert.Throws<NonlocalExitException>(() => traced.Escape(m => PoutineUtil.AllEscape(new Trace(), m))(false));
        Assert.True(inner.Trace.Contains("x")); // a trace inside the escape sees the site end (without a value)
        Assert.Null(inner.Trace["x"].Value);

        var outer = new TraceMessenger();
        Func<bool, Dictionary<string, Tensor>> model = Mixed;
        var escaping = model.Escape(m => PoutineUtil.AllEscape(new Trace(), m));
        Assert.Throws<NonlocalExitException>(() => outer.Run(() => escaping(false)));
        Assert.False(outer.Trace.Contains("x")); // one outside it never sees it
    }

    [Fact]
    public void EscapeIgnoresObservedSitesAndSitesAlreadyInTheTrace()
    {
        using var scope = NewDisposeScope();
        var partial = new Trace();
        partial.Add(new Site { Name = "x", Kind = SiteKind.Sample, Distribution = new Normal(0.0, 1.0), Value = tensor(0.0f) });
        Func<bool, Tensor> model = _ =>
        {
            Sample("o", Bernoulli.FromProbs(tensor(0.5f)), obs: tensor(1.0f));
            Sample("x", Bernoulli.FromProbs(tensor(0.5f)));
            return Sample("w", Bernoulli.FromProbs(tensor(0.5f)));
        };

        var e = Assert.Throws<NonlocalExitException>(() => model.Escape(m => PoutineUtil.DiscreteEscape(partial, m))(false));

        Assert.Equal("w", e.Site.Name);
    }

    // ports pyro tests/poutine/test_poutines.py::QueueHandlerDiscreteTest::test_queue_single
    [Fact]
    public void QueueSingleDiscrete()
    {
        using var scope = NewDisposeScope();
        Func<bool, List<Tensor>> model = Hmm;

        var trace = model.Queue(SeededQueue()).GetTrace(false);

        Assert.All(HmmSites, name => Assert.True(trace.Contains(name), name));
    }

    // ports pyro tests/poutine/test_poutines.py::QueueHandlerDiscreteTest::test_queue_enumerate
    [Fact]
    public void QueueEnumerateDiscrete()
    {
        using var scope = NewDisposeScope();
        var queue = SeededQueue();
        Func<bool, List<Tensor>> model = Hmm;
        var queued = model.Queue(queue);

        var traces = new List<Trace>();
        while (queue.Count > 0)
        {
            traces.Add(queued.GetTrace(false));
        }

        Assert.Equal(8, traces.Count);
        var visited = traces
            .Select(t => string.Join(",", t.LatentSites.Select(s => s.Value!.reshape(-1)[0].item<float>())))
            .ToHashSet();
        var all = from a in new[] { 0, 1 } from b in new[] { 0, 1 } from c in new[] { 0, 1 } select $"{a},{b},{c}";
        Assert.Equal(all.ToHashSet(), visited);
    }

    // ports pyro tests/poutine/test_poutines.py::QueueHandlerDiscreteTest::test_queue_max_tries
    [Fact]
    public void QueueMaxTries()
    {
        using var scope = NewDisposeScope();
        Func<bool, List<Tensor>> model = Hmm;

        var e = Assert.Throws<InvalidOperationException>(() => model.Queue(SeededQueue(), maxTries: 3)(false));

        Assert.Contains("max tries (3)", e.Message, StringComparison.Ordinal);
    }

    // ports pyro tests/poutine/test_poutines.py::QueueHandlerMixedTest::test_queue_single and
    // ::test_decorator_interface_queue (Pyro's _INPUT and _RETURN nodes have no Ppl counterpart)
    [Fact]
    public void QueueSingleMixed()
    {
        using var scope = NewDisposeScope();
        Func<bool, Dictionary<string, Tensor>> model = Mixed;

        var trace = model.Queue(SeededQueue()).GetTrace(false);

        Assert.Equal(["x", "y", "z"], trace.Nodes.Select(s => s.Name));
    }

    // ports pyro tests/poutine/test_poutines.py::QueueHandlerMixedTest::test_queue_enumerate
    [Fact]
    public void QueueEnumerateMixed()
    {
        using var scope = NewDisposeScope();
        var queue = SeededQueue();
        Func<bool, Dictionary<string, Tensor>> model = Mixed;
        var queued = model.Queue(queue);

        var traces = new List<Trace>();
        while (queue.Count > 0)
        {
            traces.Add(queued.GetTrace(false));
        }

        Assert.Equal(2, traces.Count);
        float Value(Trace t, string name) => t[name].Value!.reshape(-1)[0].item<float>();
        Assert.Equal(new HashSet<float> { 0, 1 }, traces.Select(t => Value(t, "y")).ToHashSet());
        Assert.Equal(Value(traces[0], "x"), Value(traces[1], "x")); // x was drawn once, before the discrete site, and replayed
        Assert.NotEqual(Value(traces[0], "z"), Value(traces[1], "z")); // z is drawn afresh on each path (almost surely different)
    }

    [Fact]
    public void AnEmptyQueueIsAnError()
    {
        using var scope = NewDisposeScope();
        Func<bool, Dictionary<string, Tensor>> model = Mixed;

        var e = Assert.Throws<InvalidOperationException>(() => model.Queue(new Queue<Trace>())(false));

        Assert.Contains("empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnumExtendListsTheSupportInOrderAndHonoursNumSamples()
    {
        using var scope = NewDisposeScope();
        var site = new Site { Name = "c", Kind = SiteKind.Sample, Distribution = Categorical.FromProbs(tensor(new[] { 0.2f, 0.3f, 0.5f })) };

        var all = PoutineUtil.EnumExtend(new Trace(), site);
        var two = PoutineUtil.EnumExtend(new Trace(), site, numSamples: 2);

        Assert.Equal([0L, 1, 2], all.Select(t => t["c"].Value!.item<long>()));
        Assert.Equal([0L, 1], two.Select(t => t["c"].Value!.item<long>()));
        Assert.All(all, t => Assert.True(t["c"].IsLatent));
    }

    [Fact]
    public void McExtendDrawsFromTheSitesDistribution()
    {
        using var scope = NewDisposeScope();
        var site = new Site { Name = "b", Kind = SiteKind.Sample, Distribution = Bernoulli.FromProbs(tensor(new[] { 0.0f, 1.0f })) };

        var traces = PoutineUtil.McExtend(new Trace(), site, numSamples: 3);

        Assert.Equal(3, traces.Count);
        Assert.All(traces, t => Assert.Equal([0f, 1f], t["b"].Value!.data<float>().ToArray()));
    }

    [Fact]
    public void EnumerateSupportShapes()
    {
        using var scope = NewDisposeScope();
        var bernoulli = Bernoulli.FromProbs(full(new long[] { 2, 3 }, 0.5f));
        var oneHot = OneHotCategorical.FromProbs(full(new long[] { 2, 4 }, 0.25f));

        Assert.Equal([2L, 2, 3], bernoulli.EnumerateSupport().shape);
        Assert.Equal([2L, 1, 1], bernoulli.EnumerateSupport(expand: false).shape);
        Assert.Equal([4L, 2, 4], oneHot.EnumerateSupport().shape);
        Assert.True(oneHot.EnumerateSupport(expand: false).reshape(4, 4).eq(eye(4)).all().item<bool>());
        Assert.Equal([0L, 1, 2, 3], new OrderedLogistic(tensor(0.0f), tensor(new[] { -1f, 0f, 1f })).EnumerateSupport().data<long>().ToArray());
        Assert.False(new Normal(0.0, 1.0).HasEnumerateSupport);
        Assert.Throws<NotSupportedException>(() => new Normal(0.0, 1.0).EnumerateSupport());
    }
}
