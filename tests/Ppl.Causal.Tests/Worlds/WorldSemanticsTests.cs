using Ppl.Causal;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Worlds;

[Collection("Sequential")]
public sealed class WorldSemanticsTests
{
    private static readonly LinearScm Scm = new();

    private static Dictionary<string, Tensor> Evidence(double x, double y) => new()
    {
        ["x"] = tensor(x, dtype: float64),
        ["y"] = tensor(y, dtype: float64),
    };

    private static Trace TwinTrace(IReadOnlyDictionary<string, Tensor> evidence, Intervention action, int draws, int dim, long seed)
    {
        Func<bool, object?> model = Scm.Model;
        Func<bool, object?> inPlate = b =>
        {
            using var plate = Plate("draws", draws);
            return model.Condition(evidence).Intervene(new Dictionary<string, Intervention> { ["x"] = action })(b);
        };
        return inPlate.TwinWorld(dim).Seed(seed).GetTrace(false);
    }

    [Fact]
    public void TheFactualWorldReproducesTheEvidenceExactly()
    {
        using var scope = NewDisposeScope();
        var trace = TwinTrace(Evidence(0.7, -1.3), 2.0, 100, -2, seed: 1);
        var worlds = new[] { new WorldDim(TwinWorldCounterfactual.IndexName, -2, 2) };
        var y = trace["y"].Value!;
        Assert.Equal(new long[] { 2, 100 }, y.shape);
        Assert.True(WorldTensors.Gather(y, TwinWorldCounterfactual.FactualWorld, worlds).eq(-1.3).all().item<bool>());
        Assert.True(WorldTensors.Gather(trace["x"].Value!, TwinWorldCounterfactual.CounterfactualWorld, worlds).eq(2.0).all().item<bool>());

        // the counterfactual y moves by β·(x' − x): the noise is shared, not redrawn
        var yCf = WorldTensors.Gather(y, TwinWorldCounterfactual.CounterfactualWorld, worlds);
        var expected = -1.3 + (Scm.Beta * (2.0 - 0.7));
        Assert.True(yCf.sub(expected).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void ExplicitNoiseProgramsShareTheirExogenousSitesAcrossWorlds()
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = _ =>
        {
            using var draws = Plate("draws", 200);
            var u = Sample("u", new Normal(zeros(200, dtype: float64), 1.0));
            var noiseX = Sample("noise_x", new Normal(zeros(200, dtype: float64), 1.0));
            var x = Deterministic("x", u.add(noiseX));
            var noiseY = Sample("noise_y", new Normal(zeros(200, dtype: float64), 1.0));
            return Deterministic("y", x.mul(2).add(u.mul(3)).add(noiseY));
        };
        var twin = new TwinWorldCounterfactual(dim: -2);
        Trace trace;
        using (twin.Install())
        {
            trace = model.Intervene(new Dictionary<string, Intervention> { ["x"] = 1.0 }).Seed(6).GetTrace(false);
        }

        // exogenous sites have no world dim; y moves by exactly 2·(1 − x) in every draw
        Assert.Equal(new long[] { 200 }, trace["noise_y"].Value!.shape);
        var x = twin.FactualOf(trace["x"].Value!);
        var y = trace["y"].Value!;
        var shift = twin.CounterfactualOf(y).sub(twin.FactualOf(y));
        Assert.True(shift.sub(x.neg().add(1).mul(2)).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void AShiftInterventionMovesEveryDownstreamWorldByItsEffect()
    {
        using var scope = NewDisposeScope();
        var trace = TwinTrace(Evidence(0.2, 0.4), Intervention.FromFunction(x => x.add(1)), 300, -2, seed: 7);
        var worlds = new[] { new WorldDim(TwinWorldCounterfactual.IndexName, -2, 2) };
        var y = trace["y"].Value!;
        var shift = WorldTensors.Gather(y, TwinWorldCounterfactual.CounterfactualWorld, worlds).sub(WorldTensors.Gather(y, TwinWorldCounterfactual.FactualWorld, worlds));
        Assert.True(shift.sub(Scm.Beta).abs().max().item<double>() < 1e-12, "y_cf − y = β·1 for every draw");
    }

    [Fact]
    public void ARandomizedInterventionDrawsTheValueAtItsOwnSite()
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = b =>
        {
            using var draws = Plate("draws", 20_000);
            return Scm.Model(b);
        };
        var action = new Dictionary<string, Intervention> { ["x"] = Intervention.FromDistribution(new Normal(5.0, 0.5)) };
        var trace = model.Intervene(action).SingleWorldCounterfactual().Seed(8).GetTrace(false);
        var x = trace["x"].Value!;
        Assert.True(trace.Contains("x__intervention"));
        Assert.True(x.eq(trace["x__intervention"].Value!).all().item<bool>());
        double se = 0.5 / Math.Sqrt(20_000);
        Assert.InRange(x.mean().item<double>(), 5.0 - (5 * se), 5.0 + (5 * se));
    }

    [Fact]
    public void ANoOpInterventionLeavesTheCounterfactualEqualToTheFactual()
    {
        using var scope = NewDisposeScope();
        var trace = TwinTrace(Evidence(0.2, 0.4), Intervention.FromFunction(x => x), 500, -2, seed: 2);
        var worlds = new[] { new WorldDim(TwinWorldCounterfactual.IndexName, -2, 2) };
        foreach (var name in LinearScm.Names.Where(n => n != "u"))
        {
            var value = trace[name].Value!;
            var factual = WorldTensors.Gather(value, TwinWorldCounterfactual.FactualWorld, worlds);
            var counterfactual = WorldTensors.Gather(value, TwinWorldCounterfactual.CounterfactualWorld, worlds);
            Assert.True(factual.sub(counterfactual).abs().max().item<double>() < 1e-12, $"site {name}");
        }
    }

    [Fact]
    public void LogDensitiesCountTheFactualWorldOnly()
    {
        using var scope = NewDisposeScope();
        var trace = TwinTrace(Evidence(0.5, 1.0), 3.0, 50, -2, seed: 3);

        // the twin trace's log joint equals the factual model's at the same draws
        Func<bool, object?> model = Scm.Model;
        var worlds = new[] { new WorldDim(TwinWorldCounterfactual.IndexName, -2, 2) };
        var data = new Dictionary<string, Tensor>(Evidence(0.5, 1.0))
        {
            ["u"] = trace["u"].Value!,
            ["z"] = WorldTensors.Gather(trace["z"].Value!, TwinWorldCounterfactual.FactualWorld, worlds).squeeze(0),
        };
        Func<bool, object?> factualModel = b =>
        {
            using var plate = Plate("draws", 50);
            return model.Condition(data)(b);
        };
        var factual = factualModel.GetTrace(false);
        Assert.Equal(factual.LogProbSum().item<double>(), trace.LogProbSum().item<double>(), 9);
    }

    [Fact]
    public void PlatesInsideAWorldHandlerAvoidItsDim()
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = _ =>
        {
            using var units = Plate("units", 3);
            // a scalar loc: the plate gives it the units dim (-2); zeros(3) would put 3 at the world dim -1
            var t = Sample("t", new Normal(tensor(0.0, dtype: float64), 1.0));
            return Sample("o", new Normal(t.mul(2), 1.0));
        };
        var trace = model.Intervene(new Dictionary<string, Intervention> { ["t"] = 1.0 }).TwinWorld(-1).GetTrace(false);
        Assert.Equal(-2, trace["t"].Plates.Single(p => p.Name == "units").Dim);
        Assert.Equal(-1, trace["t"].Plates.Single(p => p.Name == Ppl.Causal.Indexed.IndexPlatePrefix + TwinWorldCounterfactual.IndexName).Dim); // t varies along the worlds
        Assert.Equal(new long[] { 3, 2 }, trace["o"].Value!.shape); // units at -2, worlds at -1
    }

    [Fact]
    public void MultiWorldGivesEachInterventionItsOwnDim()
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = Scm.Model;
        var world = new MultiWorldCounterfactual(-1);
        Trace trace;
        using (world.Install())
        {
            trace = model.Intervene(new Dictionary<string, Intervention> { ["x"] = 1.0, ["y"] = 5.0 }).GetTrace(false);
        }

        Assert.Equal(["x", "y"], world.Worlds.Select(w => w.Name));
        var z = trace["z"].Value!;
        Assert.Equal(new long[] { 2, 2 }, z.shape);

        // do(y = 5) screens z off from x: in both y-intervened worlds z is the same
        var underY = world.Gather(z, MultiWorldCounterfactual.WorldOf(("y", true)));
        Assert.Equal(underY[0, 0].item<double>(), underY[0, 1].item<double>(), 12);
        Assert.Equal(world.IndicesOf(z).Entries.Keys.Order(), ["x", "y"]);
    }

    [Fact]
    public void SingleWorldHandlersPickOneSideOfTheIntervention()
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = Scm.Model;
        var actions = new Dictionary<string, Intervention> { ["x"] = 4.0 };
        var factual = model.Intervene(actions).SingleWorldFactual().Seed(4).GetTrace(false);
        var counterfactual = model.Intervene(actions).SingleWorldCounterfactual().Seed(4).GetTrace(false);
        Assert.Equal(4.0, counterfactual["x"].Value!.item<double>());
        Assert.NotEqual(4.0, factual["x"].Value!.item<double>());
        Assert.False(counterfactual["x"].MaskAll, "an intervened value is set, not drawn: no log-density");
    }

    [Fact]
    public void TwinWorldQueryRunsOnTheMetaDevice()
    {
        using var scope = NewDisposeScope();
        var meta = torch.device("meta");
        Func<bool, object?> model = _ =>
        {
            using var draws = Plate("draws", 1000);
            var u = Sample("u", new Normal(zeros(1000, dtype: float64, device: meta), 1.0));
            var x = Sample("x", new Normal(u, 1.0));
            return Sample("y", new Normal(x.mul(2).add(u), 1.0), obs: zeros(1000, dtype: float64, device: meta));
        };
        var trace = model.Intervene(new Dictionary<string, Intervention> { ["x"] = 1.0 }).TwinWorld(-2).GetTrace(false);
        Assert.Equal(new long[] { 2, 1000 }, trace["y"].Value!.shape);
        Assert.Equal(DeviceType.META, trace["y"].Value!.device_type);
        Assert.Equal(DeviceType.META, trace.LogProbSum().device_type);
    }

    [Fact]
    public void RepeatedTwinWorldQueriesDoNotLeakTensors()
    {
        var evidence = new Dictionary<string, Tensor> { ["x"] = tensor(0.5, dtype: float64), ["z"] = tensor(0.1, dtype: float64) };
        var actions = new Dictionary<string, Intervention> { ["x"] = -1.0 };
        void Query() => CausalQueries.Counterfactual<bool>(Scm.Model, false, evidence, actions, "y", 100, seed: 5);
        LiveTensors.AssertNoLeak(Query, repeats: 20);
    }
}
