using Ppl.Causal;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Worlds;

[Collection("Sequential")]
public sealed class GumbelMaxWorldTests
{
    // rows: p(y | t) for t = 0, 1; the treatment raises p(y = 2) relative to every other category
    private static readonly double[,] Probabilities = { { 0.5, 0.3, 0.2 }, { 0.3, 0.2, 0.5 } };

    private static object? Model(long n)
    {
        using var units = Plate("units", n);
        var table = tensor(Probabilities, dtype: float64).log();
        var t = Sample("t", Categorical.FromLogits(zeros(n, 2, dtype: float64)));
        return Sample("y", Categorical.FromLogits(nn.functional.one_hot(t, 2).to(float64).CheckedMatMul(table))); // row t of the table, for world-indexed t too
    }

    private static Tensor CounterfactualY(long n, long tObserved, long yObserved, Intervention action, long seed)
    {
        Func<long, object?> model = Model;
        var evidence = new Dictionary<string, Tensor>
        {
            ["t"] = full(n, tObserved, dtype: int64),
            ["y"] = full(n, yObserved, dtype: int64),
        };
        var twin = new TwinWorldCounterfactual(dim: -2);
        Trace trace;
        using (twin.Install())
        {
            trace = model.Condition(evidence).Intervene(new Dictionary<string, Intervention> { ["t"] = action }).Seed(seed).GetTrace(n);
        }

        Assert.True(twin.FactualOf(trace["y"].Value!).eq(yObserved).all().item<bool>(), "the factual world keeps the evidence");
        return twin.CounterfactualOf(trace["y"].Value!);
    }

    [Fact]
    public void ANoOpInterventionKeepsTheObservedCategory()
    {
        using var scope = NewDisposeScope();
        var y = CounterfactualY(5_000, 1, 0, Intervention.FromFunction(t => t), seed: 1);
        Assert.True(y.eq(0).all().item<bool>());
    }

    [Fact]
    public void CategoricalCounterfactualsAreStable()
    {
        using var scope = NewDisposeScope();

        // observed y = 2 without treatment; p'(2)/p(2) = 2.5 is the largest ratio, so under treatment y stays 2
        var stays = CounterfactualY(5_000, 0, 2, Intervention.FromTensor(tensor(1L)), seed: 2);
        Assert.True(stays.eq(2).all().item<bool>());

        // observed y = 0 without treatment: its ratio 0.6 is the smallest, so y may change, but never to 1
        // (ratio 0.67 < ratio of 2); switching happens with positive frequency
        var moves = CounterfactualY(5_000, 0, 0, Intervention.FromTensor(tensor(1L)), seed: 3);
        Assert.True(moves.eq(1).sum().item<long>() < moves.eq(2).sum().item<long>());
        Assert.True(moves.ne(0).any().item<bool>());
    }
}
