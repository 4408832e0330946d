using Ppl.Causal;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Worlds;

/// <summary>
/// The world handlers against ChiRho's expectations (ports chirho
/// tests/counterfactual/test_counterfactual_handler.py, the cases Ppl can express; ChiRho's
/// twin index <c>__fresh_split__</c> is Ppl's <see cref="TwinWorldCounterfactual.IndexName"/>, and
/// its default first dim -5 is Ppl's -4).
/// </summary>
[Collection("Sequential")]
public sealed class CounterfactualHandlerTests
{
    private static readonly double[] XCfValues = [-1.0, 0.0, 2.0, 2.5];
    private static readonly int?[] CfDims = [-1, -2, -3, null];
    private static readonly long[][] EventShapes = [[], [4], [4, 3]];

    private static IndexSet Twin { get; } = new(new Dictionary<string, IEnumerable<int>> { [TwinWorldCounterfactual.IndexName] = [0, 1] });

    public static TheoryData<double, int?> SmokeCases()
    {
        var data = new TheoryData<double, int?>();
        foreach (var x in XCfValues)
        {
            foreach (var d in CfDims)
            {
                data.Add(x, d);
            }
        }

        return data;
    }

    public static TheoryData<double, int, int?> EventCases()
    {
        var data = new TheoryData<double, int, int?>();
        foreach (var x in XCfValues)
        {
            for (int e = 0; e < EventShapes.Length; e++)
            {
                foreach (var d in CfDims)
                {
                    data.Add(x, e, d);
                }
            }
        }

        return data;
    }

    // ports chirho tests/counterfactual/test_counterfactual_handler.py::test_counterfactual_handler_smoke
    [Theory]
    [MemberData(nameof(SmokeCases))]
    public void CounterfactualHandlerSmoke(double xCfValue, int? cfDim)
    {
        using var scope = NewDisposeScope();
        var cf = tensor(xCfValue, dtype: float64);
        (Tensor Z, Tensor X, Tensor Y) Model()
        {
            var z = Sample("z", new Normal(tensor(0.0, dtype: float64), 1.0));
            var x = Sample("x", new Normal(z, 1.0));
            x = CausalPrimitives.Intervene(x, cf, "X");
            var y = Sample("y", new Normal(x.mul(0.8).add(z.mul(0.3)), 1.0));
            return (z, x, y);
        }

        using (new SingleWorldFactual().Install())
        {
            var (z, x, y) = Model();
            Assert.All(new[] { z, x, y }, v => Assert.Equal(IndexSet.Empty, Ppl.Causal.Indexed.IndicesOf(v)));
            Assert.NotEqual(xCfValue, x.item<double>());
        }

        using (new SingleWorldCounterfactual().Install())
        {
            var (z, x, y) = Model();
            Assert.All(new[] { z, x, y }, v => Assert.Equal(IndexSet.Empty, Ppl.Causal.Indexed.IndicesOf(v)));
            Assert.Equal(xCfValue, x.item<double>());
        }

        using (new TwinWorldCounterfactual(cfDim ?? -4).Install())
        {
            var (z, x, y) = Model();
            Assert.Equal(IndexSet.Empty, Ppl.Causal.Indexed.IndicesOf(z));
            Assert.Equal(Twin, Ppl.Causal.Indexed.IndicesOf(x));
            Assert.Equal(Twin, Ppl.Causal.Indexed.IndicesOf(y));
            Assert.NotEqual(xCfValue, Ppl.Causal.Indexed.Gather(x, TwinWorldCounterfactual.FactualWorld).item<double>());
            Assert.Equal(xCfValue, Ppl.Causal.Indexed.Gather(x, TwinWorldCounterfactual.CounterfactualWorld).item<double>());
        }
    }

    // ports chirho tests/counterfactual/test_counterfactual_handler.py::test_multiple_interventions_unnecessary_nesting
    [Theory]
    [MemberData(nameof(EventCases))]
    public void MultipleInterventionsUnnecessaryNesting(double xCfValue, int eventCase, int? cfDim) =>
        MultipleInterventions(xCfValue, EventShapes[eventCase], cfDim, nested: false);

    // ports chirho tests/counterfactual/test_counterfactual_handler.py::test_multiple_interventions_indexset (nested False and True)
    [Theory]
    [MemberData(nameof(EventCases))]
    public void MultipleInterventionsIndexset(double xCfValue, int eventCase, int? cfDim)
    {
        MultipleInterventions(xCfValue, EventShapes[eventCase], cfDim, nested: false);
        MultipleInterventions(xCfValue, EventShapes[eventCase], cfDim, nested: true);
    }

    // ports chirho tests/counterfactual/test_counterfactual_handler.py::test_nested_interventions_same_variable,
    // the composed model: each world's value is checked against the interventions applied by hand
    // (the stacked model needs tuple interventions, which the interventions area ports)
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NestedInterventionsSameVariable(bool dependentIntervention)
    {
        foreach (var cfDim in CfDims)
        {
            foreach (long[] eventShape in new long[][] { [], [3], [4, 3] })
            {
                using var scope = NewDisposeScope();
                int eventDim = eventShape.Length;
                var xObs = zeros(eventShape, dtype: float64);
                Intervention cf1 = dependentIntervention ? Intervention.FromFunction(x => x.add(full(eventShape, 2.0, dtype: float64))) : full(eventShape, 2.0, dtype: float64);
                Intervention cf2 = dependentIntervention ? Intervention.FromFunction(x => x.add(full(eventShape, 1.0, dtype: float64))) : full(eventShape, 1.0, dtype: float64);

                using var handler = new MultiWorldCounterfactual(cfDim ?? -4).Install();
                var x = Sample("x", new Normal(tensor(0.0, dtype: float64), 1.0).Expand(eventShape).ToEvent(eventDim), obs: xObs);
                x = CausalPrimitives.Intervene(x, cf1, "X1", eventDim);
                x = CausalPrimitives.Intervene(x, cf2, "X2", eventDim);
                var y = Sample("y", new Normal(x, 1.0).ToEvent(eventDim));
                Assert.Equal(Ppl.Causal.Indexed.IndicesOf(y, eventDim), Ppl.Causal.Indexed.IndicesOf(x, eventDim));

                Tensor At(int x1, int x2) => Ppl.Causal.Indexed.Gather(x, new IndexSet(("X1", x1), ("X2", x2)), eventDim);
                Assert.True(At(0, 0).eq(0.0).all().item<bool>(), "no intervention: the observation");
                Assert.True(At(1, 0).eq(2.0).all().item<bool>(), "X1 only");
                Assert.True(At(0, 1).eq(1.0).all().item<bool>(), "X2 only, applied to the observation");
                Assert.True(At(1, 1).eq(dependentIntervention ? 3.0 : 1.0).all().item<bool>(), "X2 applied to X1's world");
            }
        }
    }

    // ports chirho tests/counterfactual/test_counterfactual_handler.py::test_cf_condition_commutes
    [Fact]
    public void CfConditionCommutes()
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = _ =>
        {
            var z = Sample("z", new Normal(tensor(0.0, dtype: float64), 1.0), obs: tensor(0.1, dtype: float64));
            using var data = Plate("data", 2);
            var x = Sample("x", new Normal(z, 1.0));
            return Sample("y", new Normal(x.add(z), 1.0));
        };
        var evidence = new Dictionary<string, Tensor> { ["x"] = tensor(new[] { 0.0, 1.0 }, dtype: float64), ["y"] = tensor(new[] { 1.0, 2.0 }, dtype: float64) };
        var actions = new Dictionary<string, Intervention> { ["z"] = tensor(0.0, dtype: float64), ["x"] = tensor(new[] { 0.3, 0.4 }, dtype: float64) };

        var cf1 = new MultiWorldCounterfactual();
        var cf2 = new MultiWorldCounterfactual();
        var tr1 = model.Condition(evidence).Intervene(actions).With(() => cf1).GetTrace(false);
        var tr2 = model.Intervene(actions).Condition(evidence).With(() => cf2).GetTrace(false);

        Assert.Equal(tr1.Nodes.Select(s => s.Name).ToHashSet(), tr2.Nodes.Select(s => s.Name).ToHashSet());
        foreach (var site in tr1.SampleSites)
        {
            Assert.Subset(new HashSet<string> { "x", "z" }, cf1.IndicesOf(site.Value!).Names.ToHashSet());
            Assert.Subset(new HashSet<string> { "x", "z" }, cf2.IndicesOf(tr2[site.Name].Value!).Names.ToHashSet());
        }
    }

    // ports the example in chirho's MultiWorldCounterfactual docstring
    [Fact]
    public void MultiWorldKeepsEveryIntervention()
    {
        using var scope = NewDisposeScope();
        using var handler = new MultiWorldCounterfactual().Install();
        var x = tensor(1.0, dtype: float64);
        x = CausalPrimitives.Intervene(x, 0.0, "x_ax_1");
        x = CausalPrimitives.Intervene(x, 2.0, "x_ax_2");
        Assert.Equal(1.0, Ppl.Causal.Indexed.Gather(x, new IndexSet(("x_ax_1", 0), ("x_ax_2", 0))).item<double>());
        Assert.Equal(0.0, Ppl.Causal.Indexed.Gather(x, new IndexSet(("x_ax_1", 1), ("x_ax_2", 0))).item<double>());
        Assert.Equal(2.0, Ppl.Causal.Indexed.Gather(x, new IndexSet(("x_ax_1", 0), ("x_ax_2", 1))).item<double>());
    }

    // ports the example in chirho's TwinWorldCounterfactual docstring: the twin world keeps the last intervention
    [Fact]
    public void TwinWorldKeepsTheLastIntervention()
    {
        using var scope = NewDisposeScope();
        using var handler = new TwinWorldCounterfactual().Install();
        var x = tensor(1.0, dtype: float64);
        x = CausalPrimitives.Intervene(x, 0.0, "x");
        x = CausalPrimitives.Intervene(x, 2.0, "x");
        Assert.Equal(new[] { 1.0, 2.0 }, x.squeeze().data<double>().ToArray());
    }

    private static void MultipleInterventions(double xCfValue, long[] eventShape, int? cfDim, bool nested)
    {
        using var scope = NewDisposeScope();
        int eventDim = eventShape.Length;
        using var handler = new MultiWorldCounterfactual(cfDim ?? -4).Install();
        var z = Sample("z", new Normal(tensor(0.0, dtype: float64), 1.0).Expand(eventShape).ToEvent(eventDim));
        z = CausalPrimitives.Intervene(z, full(eventShape, xCfValue - 1.0, dtype: float64), "Z", eventDim);
        var xPrior = nested ? new Normal(z, 1.0) : new Normal(tensor(0.0, dtype: float64), 1.0).Expand(eventShape); // Normal(Z, 1) has Z's shape
        var x = Sample("x", xPrior.ToEvent(eventDim));
        x = CausalPrimitives.Intervene(x, full(eventShape, xCfValue, dtype: float64), "X", eventDim);
        var y = Sample("y", new Normal(x.mul(0.8).add(z.mul(0.3)), 1.0).ToEvent(eventDim));

        var zIndex = new IndexSet(new Dictionary<string, IEnumerable<int>> { ["Z"] = [0, 1] });
        var xIndex = new IndexSet(new Dictionary<string, IEnumerable<int>> { ["X"] = [0, 1] });
        Assert.Equal(zIndex, Ppl.Causal.Indexed.IndicesOf(z, eventDim));
        Assert.Equal(nested ? IndexSet.Union(xIndex, zIndex) : xIndex, Ppl.Causal.Indexed.IndicesOf(x, eventDim));
        Assert.Equal(IndexSet.Union(xIndex, zIndex), Ppl.Causal.Indexed.IndicesOf(y, eventDim));
    }
}
