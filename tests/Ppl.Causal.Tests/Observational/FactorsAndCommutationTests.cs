using Ppl.Causal;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Observational;

/// <summary>Ports chirho tests/observational/test_handlers.py::test_factors_handler and ::test_condition_commutes.</summary>
[Collection("Sequential")]
public sealed class FactorsAndCommutationTests
{
    private static object? Model(bool unused)
    {
        var z = Sample("z", new Normal(tensor(0.0, dtype: float64), 1.0), obs: tensor(0.1, dtype: float64));
        using var data = Plate("data", 2);
        var x = Sample("x", new Normal(z, 1.0).Expand(2));
        return Sample("y", new Normal(x.add(z), 1.0));
    }

    // ports test_handlers.py::test_factors_handler
    [Fact]
    public void test_factors_handler()
    {
        using var scope = NewDisposeScope();
        const string Prefix = "__factor_";
        var factors = new Dictionary<string, Func<Tensor, Tensor>>
        {
            ["z"] = z => z.sub(1.5).square().neg(),
            ["x"] = x => x.sub(1).square().neg(),
        };
        Func<bool, object?> model = Model;
        Trace trace;
        using (new FactorsMessenger(factors, Prefix).Install())
        {
            trace = model.GetTrace(false);
        }

        foreach (var (name, f) in factors)
        {
            var site = trace[name];
            var factor = trace[Prefix + name];
            Assert.Equal(site.Distribution!.BatchShape, factor.Distribution!.BatchShape);
            Assert.True(factor.LogProb().eq(f(site.Value!)).all().item<bool>(), name);
        }
    }

    // ports test_handlers.py::test_condition_commutes: conditioning and intervening in either order (and
    // conditioning outside the trace) give the same sites, values and log-densities
    [Fact]
    public void test_condition_commutes()
    {
        using var scope = NewDisposeScope();
        var data = new Dictionary<string, Tensor> { ["x"] = tensor(new[] { 0.0, 1.0 }, dtype: float64), ["y"] = tensor(new[] { 1.0, 2.0 }, dtype: float64) };
        var actions = new Dictionary<string, Intervention> { ["z"] = tensor(0.0, dtype: float64), ["x"] = tensor(new[] { 0.3, 0.4 }, dtype: float64) };
        Func<bool, object?> model = Model;
        var conditionOutside = model.Intervene(actions).Condition(data).GetTrace(false);
        var interveneOutside = model.Condition(data).Intervene(actions).GetTrace(false);
        Trace conditionAroundTrace;
        using (new Ppl.Handlers.ConditionMessenger(data).Install())
        {
            conditionAroundTrace = model.Intervene(actions).GetTrace(false);
        }

        Trace[] traces = [interveneOutside, conditionAroundTrace];
        foreach (var other in traces)
        {
            Assert.Equal(conditionOutside.SampleSites.Select(s => s.Name), other.SampleSites.Select(s => s.Name));
            Assert.Equal(conditionOutside.LogProbSum().item<double>(), other.LogProbSum().item<double>());
            foreach (var site in conditionOutside.SampleSites)
            {
                Assert.True(site.Value!.eq(other[site.Name].Value!).all().item<bool>(), site.Name);
                Assert.True(site.LogProb().eq(other[site.Name].LogProb()).all().item<bool>(), site.Name);
            }
        }
    }
}
