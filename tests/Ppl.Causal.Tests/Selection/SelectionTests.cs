using Ppl.Causal;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Selection;

/// <summary>
/// SelectFactual / SelectCounterfactual, ported from chirho tests/counterfactual/test_selection.py
/// (full grid). ChiRho's worlds are independent draws and its unselected trace counts every world,
/// so there full = factual + counterfactual. Ppl's worlds share exogenous noise and the unselected
/// trace counts the factual world only (docs/design/semantics-parity.md), so here full = factual,
/// and each selected sum is checked against its closed form from the model's Gaussian densities.
/// </summary>
[Collection("Sequential")]
public sealed class SelectionTests
{
    private const double Observed = 1.0;

    /// <summary>nested × x_cf_value × event_shape × cf_dim × cf_class, as ChiRho parametrizes it.</summary>
    public static TheoryData<bool, double, int, int, bool> Grid
    {
        get
        {
            var data = new TheoryData<bool, double, int, int, bool>();
            foreach (bool nested in new[] { false, true })
            {
                foreach (double xCf in new[] { -1.0, 0.0, 2.0, 2.5 })
                {
                    for (int eventShape = 0; eventShape < 3; eventShape++)
                    {
                        foreach (int cfDim in new[] { -1, -2, -3 })
                        {
                            foreach (bool multi in new[] { true, false })
                            {
                                data.Add(nested, xCf, eventShape, cfDim, multi);
                            }
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

    private static double LogPhi(double d) => (-0.5 * d * d) - (0.5 * Math.Log(2 * Math.PI));

    private static Func<bool, object?> Model(long[] eventShape, bool nested) => _ =>
    {
        //   z
        //     \
        // x --> y
        var never = tensor(false);
        var z = Sample("z", new Normal(zeros(eventShape, dtype: float64), 1.0).ToEvent(eventShape.Length).Mask(never));
        var xLoc = nested ? z : zeros(eventShape, dtype: float64);
        var x = Sample("x", new Normal(xLoc, 1.0).ToEvent(eventShape.Length).Mask(tensor(nested)));
        return Sample("y", new Normal(x.mul(0.8).add(z.mul(0.3)), 1.0).ToEvent(eventShape.Length));
    };

    private static Trace Run(long[] eventShape, bool nested, double xCf, int cfDim, bool multi, Func<WorldSelectionMessenger?> select)
    {
        var observations = new Dictionary<string, Tensor>
        {
            ["z"] = full(eventShape, Observed, dtype: float64),
            ["x"] = full(eventShape, Observed, dtype: float64),
            ["y"] = full(eventShape, Observed, dtype: float64),
        };
        var interventions = new Dictionary<string, Intervention>
        {
            ["z"] = full(eventShape, xCf - 1.0, dtype: float64),
            ["x"] = full(eventShape, xCf, dtype: float64),
        };
        var queried = Model(eventShape, nested).Intervene(interventions).Condition(observations);
        WorldMessenger worlds = multi ? new MultiWorldCounterfactual(cfDim) : new TwinWorldCounterfactual(cfDim);
        using (worlds.Install())
        {
            if (select() is not { } selection)
            {
                return queried.GetTrace(false);
            }

            using (selection.Install())
            {
                return queried.GetTrace(false);
            }
        }
    }

    // ports chirho tests/counterfactual/test_selection.py::test_selection_log_prob
    [Theory]
    [MemberData(nameof(Grid))]
    public void test_selection_log_prob(bool nested, double xCf, int eventShapeKey, int cfDim, bool multi)
    {
        using var scope = NewDisposeScope();
        var eventShape = EventShape(eventShapeKey);
        var full = Run(eventShape, nested, xCf, cfDim, multi, () => null);
        var cf = Run(eventShape, nested, xCf, cfDim, multi, () => new SelectCounterfactual());
        var fact = Run(eventShape, nested, xCf, cfDim, multi, () => new SelectFactual());

        Assert.Equal(full.SampleSites.Select(s => s.Name).Order(), cf.SampleSites.Select(s => s.Name).Order());
        Assert.Equal(full.SampleSites.Select(s => s.Name).Order(), fact.SampleSites.Select(s => s.Name).Order());
        foreach (var name in new[] { "z", "x", "y" })
        {
            Assert.Equal(full[name].Value!.shape, cf[name].Value!.shape);
            Assert.Equal(full[name].Value!.shape, fact[name].Value!.shape);
            Assert.True(full[name].Value!.eq(cf[name].Value!).all().item<bool>(), name);
            Assert.True(full[name].Value!.eq(fact[name].Value!).all().item<bool>(), name);
        }

        // closed forms: z is masked; x (when nested) has residual x − z per world; y shares its factual
        // residual 1 − (0.8 + 0.3) in every world. Twin: one counterfactual world (z and x both
        // intervened). Multi: worlds (z, x) ∈ {0, 1}², x's residual is 0 unless only x is intervened.
        double n = eventShape.Aggregate(1L, (a, b) => a * b);
        double yTerm = LogPhi(Observed - 1.1);
        double expectedFact = n * ((nested ? LogPhi(0) : 0) + yTerm);
        double expectedCf = multi
            ? n * ((nested ? LogPhi(xCf - Observed) + LogPhi(0) + LogPhi(1) : 0) + (3 * yTerm))
            : n * ((nested ? LogPhi(1) : 0) + yTerm);

        double fullLp = full.LogProbSum().item<double>();
        double cfLp = cf.LogProbSum().item<double>();
        double factLp = fact.LogProbSum().item<double>();
        Assert.True(cfLp != 0.0);
        Assert.True(factLp != 0.0);
        Assert.True(Math.Abs(factLp - expectedFact) < 1e-9 * Math.Abs(expectedFact), $"factual {factLp:R}, expected {expectedFact:R}");
        Assert.True(Math.Abs(cfLp - expectedCf) < 1e-9 * Math.Abs(expectedCf), $"counterfactual {cfLp:R}, expected {expectedCf:R}");

        // deliberate difference: the unselected trace counts the factual world only (ChiRho: factual + counterfactual)
        Assert.Equal(factLp, fullLp, 12);
    }

    [Fact]
    public void OutsideAWorldHandlerSelectCounterfactualMasksEverySiteAndSelectFactualNone()
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = _ => Sample("x", new Normal(tensor(0.0, dtype: float64), 1.0), obs: tensor(0.5, dtype: float64));
        Trace cf;
        using (new SelectCounterfactual().Install())
        {
            cf = model.GetTrace(false);
        }

        Trace fact;
        using (new SelectFactual().Install())
        {
            fact = model.GetTrace(false);
        }

        Assert.Equal(0.0, cf.LogProbSum().item<double>());
        Assert.Equal(LogPhi(0.5), fact.LogProbSum().item<double>(), 12);
    }

    [Fact]
    public void ASharedValueIsCountedOncePerSelectedWorld()
    {
        using var scope = NewDisposeScope();

        // u is drawn before any world splits; inside the twin handler it is the same in both worlds
        Func<bool, object?> model = _ => Sample("u", new Normal(tensor(0.0, dtype: float64), 1.0), obs: tensor(0.5, dtype: float64));
        Trace trace;
        using (new TwinWorldCounterfactual(-1).Install())
        using (new SelectCounterfactual().Install())
        {
            trace = model.GetTrace(false);
        }

        Assert.Equal([2L], trace["u"].Distribution!.BatchShape);
        Assert.Equal(LogPhi(0.5), trace.LogProbSum().item<double>(), 12);
    }
}
