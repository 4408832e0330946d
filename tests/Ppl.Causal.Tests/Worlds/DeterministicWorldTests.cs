using Ppl.Causal;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Worlds;

/// <summary>
/// Explicit-noise models (ChiRho's style: exogenous noise as sample sites, endogenous variables as
/// deterministic functions of it) condition their deterministic sites in the factual world: the
/// observation is the factual entry, the other worlds keep their computed values, and the point
/// mass's log-density counts the factual world only.
/// </summary>
[Collection("Sequential")]
public sealed class DeterministicWorldTests
{
    private const int Draws = 400;

    // u ~ Bernoulli(0.3) per draw; z observed 0; x = u + z
    private static object? Model(bool unused)
    {
        using var draws = Plate("draws", Draws);
        var u = Sample("u", Bernoulli.FromProbs(tensor(0.3, dtype: float64)));
        var z = Sample("z", new Normal(tensor(0.0, dtype: float64), 1.0), obs: tensor(0.0, dtype: float64));
        return Deterministic("x", u.add(z));
    }

    [Fact]
    public void AConditionedDeterministicSiteIsObservedInTheFactualWorldOnly()
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = Model;
        var evidence = new Dictionary<string, Tensor> { ["x"] = tensor(1.0, dtype: float64) };
        var trace = model.Condition(evidence)
            .Intervene(new Dictionary<string, Intervention> { ["z"] = 1.0 })
            .TwinWorld(-2).Seed(3).GetTrace(false);

        var worlds = new[] { new WorldDim(TwinWorldCounterfactual.IndexName, -2, 2) };
        var u = trace["u"].Value!;
        var x = trace["x"];
        Assert.True(x.IsObserved);
        Assert.Equal(new long[] { 2, Draws }, x.Value!.shape);
        Assert.True(WorldTensors.Gather(x.Value, TwinWorldCounterfactual.FactualWorld, worlds).eq(1.0).all().item<bool>(), "the factual world is the observation");
        Assert.True(WorldTensors.Gather(x.Value, TwinWorldCounterfactual.CounterfactualWorld, worlds).squeeze(0).eq(u.add(1.0)).all().item<bool>(), "do(z = 1): x = u + 1");

        // the point mass at the factual computed value u + 0: weight 1 where u = 1, 0 where u = 0;
        // the counterfactual entries are functions of the same noise, not new evidence
        var logProb = x.LogProb();
        var factual = logProb[0];
        Assert.True(factual.eq(where(u.eq(1.0), 0.0, double.NegativeInfinity)).all().item<bool>());
        Assert.True(logProb[1].eq(0.0).all().item<bool>());
        long hits = u.eq(1.0).sum().item<long>();
        Assert.InRange(hits, 1, Draws - 1); // both cases occur (p = 0.3, 400 draws)
    }
}
