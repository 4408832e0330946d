using Ppl.Causal;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Interventions;

/// <summary>
/// Tuple (multi-valued) interventions, ported from chirho
/// tests/counterfactual/test_counterfactual_handler.py::test_multiple_interventions and the
/// semantics of chirho's <c>split</c>: one world per action (index size 1 + k) in the multi-world
/// handler, the last action in the single-world handler and in a plain run.
/// </summary>
[Collection("Sequential")]
public sealed class TupleInterventionTests
{
    /// <summary>num_splits × x_cf_value × event_shape × cf_dim (null: the handler's default).</summary>
    public static TheoryData<int, double, int, int?> Grid
    {
        get
        {
            var data = new TheoryData<int, double, int, int?>();
            foreach (int splits in new[] { 1, 2, 3 })
            {
                foreach (double xCf in new[] { -1.0, 0.0, 2.0, 2.5 })
                {
                    for (int eventShape = 0; eventShape < 3; eventShape++)
                    {
                        foreach (int? cfDim in new int?[] { -1, -2, -3, null })
                        {
                            data.Add(splits, xCf, eventShape, cfDim);
                        }
                    }
                }
            }

            return data;
        }
    }

    private static long[] EventShape(int key) => key switch
    {
        0 => [],
        1 => [4],
        _ => [4, 3],
    };

    // ports test_multiple_interventions; ChiRho's y there has no to_event, here it does (its event
    // dims would otherwise sit where a world dim of -1 is looked for)
    [Theory]
    [MemberData(nameof(Grid))]
    public void test_multiple_interventions(int splits, double xCf, int eventShapeKey, int? cfDim)
    {
        using var scope = NewDisposeScope();
        var eventShape = EventShape(eventShapeKey);
        int eventDim = eventShape.Length;
        var cf = full(eventShape, xCf, dtype: float64);
        var worlds = cfDim is { } d ? new MultiWorldCounterfactual(d) : new MultiWorldCounterfactual();
        using (worlds.Install())
        {
            var z = Sample("z", new Normal(zeros(eventShape, dtype: float64), 1.0).ToEvent(eventDim));
            z = CausalPrimitives.Intervene(z, Intervention.Tuple([.. Enumerable.Range(0, splits).Select(i => (Intervention)cf.sub(i))]), "Z", eventDim);
            var x = Sample("x", new Normal(z, 1.0).ToEvent(eventDim));
            x = CausalPrimitives.Intervene(x, Intervention.Tuple([.. Enumerable.Range(0, splits).Select(i => (Intervention)cf.add(i))]), "X", eventDim);
            var y = Sample("y", new Normal(x.mul(0.8).add(z.mul(0.3)), 1.0).ToEvent(eventDim));

            var all = Enumerable.Range(0, 1 + splits).ToArray();
            Assert.Equal("{Z: {" + string.Join(", ", all) + "}}", worlds.IndicesOf(z, eventDim).ToString());
            Assert.Equal("{X: {" + string.Join(", ", all) + "}, Z: {" + string.Join(", ", all) + "}}", worlds.IndicesOf(x, eventDim).ToString());
            Assert.Equal(worlds.IndicesOf(x, eventDim).ToString(), worlds.IndicesOf(y, eventDim).ToString());

            // entry i of Z is the i-th action, applied to the factual value (split's semantics)
            for (int i = 1; i <= splits; i++)
            {
                var zi = worlds.Gather(z, new IndexSet(("Z", i)), eventDim);
                Assert.True(zi.eq(cf.sub(i - 1)).all().item<bool>(), $"Z world {i}");
                var xi = worlds.Gather(x, new IndexSet(("Z", 0), ("X", i)), eventDim);
                Assert.True(xi.eq(cf.add(i - 1)).all().item<bool>(), $"X world {i}");
            }

            var zFactual = worlds.Gather(z, new IndexSet(("Z", 0)), eventDim);
            Assert.True(zFactual.squeeze().shape.SequenceEqual(eventShape));
        }
    }

    [Fact]
    public void ThePlainRunAndTheSingleWorldHandlersTakeTheLastActionOrNone()
    {
        using var scope = NewDisposeScope();
        var factual = tensor(0.5, dtype: float64);
        var act = Intervention.Tuple(1.0, 2.0, 3.0);
        Assert.Equal(3.0, CausalPrimitives.Intervene(factual, act, "x").item<double>());
        using (new SingleWorldCounterfactual().Install())
        {
            Assert.Equal(3.0, CausalPrimitives.Intervene(factual, act, "x").item<double>());
        }

        using (new SingleWorldFactual().Install())
        {
            Assert.Equal(0.5, CausalPrimitives.Intervene(factual, act, "x").item<double>());
        }
    }

    [Fact]
    public void AOneActionTupleIsThatAction()
    {
        using var scope = NewDisposeScope();
        var twin = new TwinWorldCounterfactual(-1);
        using (twin.Install())
        {
            var x = CausalPrimitives.Intervene(tensor(0.5, dtype: float64), Intervention.Tuple(2.0), "x");
            Assert.Equal(new[] { 0.5, 2.0 }, x.data<double>().ToArray());
        }
    }

    // deliberate difference: ChiRho grows the twin index to 1 + k worlds; Ppl's twin handler keeps two
    [Fact]
    public void TheTwinHandlerRejectsATupleOfSeveralActions()
    {
        using var scope = NewDisposeScope();
        using (new TwinWorldCounterfactual(-1).Install())
        {
            var e = Assert.Throws<NotSupportedException>(() => CausalPrimitives.Intervene(tensor(0.5), Intervention.Tuple(1.0, 2.0), "x"));
            Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
            Assert.Contains("MultiWorldCounterfactual", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DistributionActionsInATupleDrawAtTheirOwnSites()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ =>
        {
            var x = Sample("x", new Normal(tensor(0.0, dtype: float64), 1.0));
            return CausalPrimitives.Intervene(x, Intervention.Tuple(Intervention.FromDistribution(new Normal(tensor(10.0, dtype: float64), 1.0)), Intervention.FromDistribution(new Normal(tensor(-10.0, dtype: float64), 1.0))), "x");
        };
        var multi = new MultiWorldCounterfactual(-1);
        Trace trace;
        using (multi.Install())
        {
            trace = model.GetTrace(false);
        }

        Assert.Contains(trace.SampleSites, s => s.Name == "x[1]__intervention");
        Assert.Contains(trace.SampleSites, s => s.Name == "x[2]__intervention");
    }

    [Fact]
    public void AnEmptyOrNestedTupleIsRejected()
    {
        Assert.Throws<ArgumentException>(() => Intervention.Tuple());
        Assert.Throws<ArgumentException>(() => Intervention.Tuple(Intervention.Tuple(1.0)));
    }
}
