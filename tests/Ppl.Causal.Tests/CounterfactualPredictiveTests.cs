using Ppl.Causal;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal;

/// <summary>
/// ChiRho's counterfactual predictive: sites in different worlds and plates come back from
/// <see cref="Predictive{TArgs}"/> with the shapes they have in one vectorized run of the
/// counterfactual model, so z (outside the plate, in its own world) and x (in the plate and in both
/// worlds) broadcast against each other.
/// </summary>
[Collection("Sequential")]
public sealed class CounterfactualPredictiveTests
{
    private const int NumSamples = 7;

    public static TheoryData<bool, int, long[], string> Cases()
    {
        var cases = new TheoryData<bool, int, long[], string>();
        foreach (bool parallel in new[] { false, true })
        {
            foreach (int cfDim in new[] { -2, -3 })
            {
                foreach (long[] eventShape in new long[][] { [], [4], [4, 3] })
                {
                    foreach (string guide in new[] { "AutoDelta", "AutoNormal", "AutoDiagonalNormal" })
                    {
                        cases.Add(parallel, cfDim, eventShape, guide);
                    }
                }
            }
        }

        return cases;
    }

    // ports chirho tests/counterfactual/test_counterfactual_handler.py::test_smoke_cf_predictive_shapes
    [Theory]
    [MemberData(nameof(Cases))]
    public void TestSmokeCfPredictiveShapes(bool parallel, int cfDim, long[] eventShape, string guideKind)
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var actions = new Dictionary<string, Intervention> { ["x"] = randn([2, .. eventShape]), ["z"] = randn(eventShape) };
        var data = new Dictionary<string, Tensor> { ["x"] = randn([2, .. eventShape]), ["y"] = randn([2, .. eventShape]) };
        int k = eventShape.Length;
        Func<bool, object?> scm = _ =>
        {
            var z = Sample("z", new Normal(0.0, 1.0).Expand(eventShape).ToEvent(k));
            using var plate = Plate("data", 2, dim: -1);
            var x = Sample("x", new Normal(z, 1.0).ToEvent(k));
            return Sample("y", new Normal(x.add(z), 1.0).ToEvent(k));
        };
        var model = scm.Condition(data).Intervene(actions).MultiWorld(cfDim);

        using var store = new ParamStore();
        using AutoGuide<bool> guide = guideKind switch
        {
            "AutoDelta" => new AutoDelta<bool>(model),
            "AutoNormal" => new AutoNormal<bool>(model),
            _ => new AutoDiagonalNormal<bool>(model),
        };

        // what ChiRho computes by hand: guide and model replayed on it, inside a plate left of the worlds
        Dictionary<string, long[]> expected;
        using (store.Activate())
        using (NewDisposeScope())
        {
            Func<bool, object?> InPlate(Func<bool, object?> program) => a =>
            {
                using var vectorize = Plate("_vectorize", NumSamples, dim: cfDim - 2);
                return program(a);
            };

            var guideTrace = InPlate(guide.Guide).GetTrace(false);
            expected = InPlate(model).Replay(guideTrace).GetTrace(false).SampleSites.ToDictionary(s => s.Name, s => s.Value!.shape);
        }

        var actual = new Predictive<bool>(model, guide.Guide, NumSamples, parallel: parallel, paramStore: store).Sample(false, seed: 1);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var name in new[] { "x", "y", "z" })
        {
            Assert.Equal(expected[name], actual[name].shape);
        }

        // the point of Pyro's layout: a site outside the plate lines up with one inside it
        Assert.Equal(expected["x"], actual["x"].sub(actual["z"]).shape);
    }
}
