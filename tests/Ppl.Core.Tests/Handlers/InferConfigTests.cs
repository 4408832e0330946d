using System.Collections.Immutable;
using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Handlers;

/// <summary>Pyro's <c>poutine.infer_config</c> as <see cref="InferConfigMessenger"/> and <c>Poutine.InferConfig</c>.</summary>
[Collection("Sequential")]
public sealed class InferConfigTests
{
    private static InferConfig Hints(params (string Key, object Value)[] entries) =>
        InferConfig.Default with { Extra = entries.ToImmutableDictionary(e => e.Key, e => e.Value) };

    private static bool Model(bool _)
    {
        Param("p", () => zeros(1));
        Sample("a", Bernoulli.FromProbs(tensor(new[] { 0.5f })), infer: Hints(("enumerate", "parallel")));
        Sample("b", Bernoulli.FromProbs(tensor(new[] { 0.5f })));
        return true;
    }

    // ports pyro tests/poutine/test_poutines.py::InferConfigHandlerTests::test_infer_config_sample
    [Fact]
    public void InferConfigSample()
    {
        using var scope = NewDisposeScope();
        Func<bool, bool> model = Model;
        var configured = model.InferConfig(site => site.Kind == SiteKind.Sample ? Hints(("blah", true)) : InferConfig.Default);

        var trace = configured.GetTrace(false);

        Assert.Equal(new Dictionary<string, object> { ["enumerate"] = "parallel", ["blah"] = true }, trace["a"].Infer.Extra);
        Assert.Equal(new Dictionary<string, object> { ["blah"] = true }, trace["b"].Infer.Extra);
        Assert.Equal(InferConfig.Default, trace["p"].Infer);
    }

    [Fact]
    public void ReturnedHintsReplaceTheSitesAndTheOthersStay()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ => Sample("a", new Normal(0.0, 1.0), infer: Hints(("enumerate", "parallel"), ("num_samples", 3)));
        var configured = model.InferConfig(_ => Hints(("num_samples", 7)) with { IsAuxiliary = true });

        var infer = configured.GetTrace(false)["a"].Infer;

        Assert.True(infer.IsAuxiliary);
        Assert.Equal("parallel", infer.Extra["enumerate"]);
        Assert.Equal(7, infer.Extra["num_samples"]);
    }

    [Fact]
    public void TheFunctionSeesTheSiteAndNullChangesNothing()
    {
        using var scope = NewDisposeScope();
        var seen = new List<string>();
        Func<bool, Tensor> model = _ =>
        {
            Sample("a", new Normal(0.0, 1.0), infer: InferConfig.Default with { WasObserved = true });
            return Deterministic("d", zeros(1));
        };
        var configured = model.InferConfig(m =>
        {
            seen.Add($"{m.Kind} {m.Name}");
            return null;
        });

        var trace = configured.GetTrace(false);

        Assert.Equal(["sample a"], seen); // deterministic sites get no hints, as in Pyro
        Assert.True(trace["a"].Infer.WasObserved);
    }

    [Fact]
    public void NestedConfigsMergeInnermostFirst()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ => Sample("a", new Normal(0.0, 1.0));
        var configured = model.InferConfig(_ => Hints(("k", "inner"))).InferConfig(_ => Hints(("k", "outer"), ("o", 1)));

        var infer = configured.GetTrace(false)["a"].Infer;

        Assert.Equal("outer", infer.Extra["k"]);
        Assert.Equal(1, infer.Extra["o"]);
    }
}
