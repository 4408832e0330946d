using Ppl.Causal;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Worlds;

/// <summary>
/// Inside world handlers a site's value may carry world dims its distribution lacks (an intervened
/// value splits into worlds); the site's batch grows by exactly those dims. Any other extra dim is
/// still the shape error it is outside worlds.
/// </summary>
[Collection("Sequential")]
public sealed class WorldSiteShapeTests
{
    private static object? Model(bool unused)
    {
        var x = Sample("x", new Normal(tensor(0.0, dtype: float64), 1.0));
        return Sample("y", new Normal(x.mul(2), 1.0));
    }

    [Fact]
    public void AnIntervenedSiteGetsTheWorldDimsInItsBatchShape()
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = Model;
        var trace = model.Intervene(new Dictionary<string, Intervention> { ["x"] = 1.0 }).TwinWorld(-1).GetTrace(false);
        var x = trace["x"];
        Assert.Equal(new long[] { 2 }, x.Value!.shape);
        Assert.Equal(new long[] { 2 }, x.Distribution!.BatchShape);
        Assert.Equal(new long[] { 2 }, x.LogProb().shape);
        // the counterfactual entry is masked: the site's log-density is the factual draw's alone
        double factual = x.Value[0].item<double>();
        Assert.Equal(MathNet.Numerics.Distributions.Normal.PDFLn(0, 1, factual), x.LogProb().sum().item<double>(), 12);
    }

    [Fact]
    public void EvidenceWiderThanItsSiteIsAnErrorInsideWorldsToo()
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = Model;
        var evidence = new Dictionary<string, Tensor> { ["x"] = tensor(new[] { 0.8, 0.1, 0.3 }, dtype: float64) };
        var query = model.Condition(evidence).Intervene(new Dictionary<string, Intervention> { ["x"] = 1.0 }).TwinWorld(-2);
        var e = Assert.Throws<ModelExecutionException>(() => query.GetTrace(false));
        Assert.Contains("'x'", e.InnerException!.Message, StringComparison.Ordinal);
    }
}
