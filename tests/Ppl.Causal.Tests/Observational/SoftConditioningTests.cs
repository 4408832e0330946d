using Ppl.Causal;
using Ppl.Distributions;
using Ppl.Effects;
using static Ppl.Primitives;
using static TorchSharp.torch;
using MathNetNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Causal.Observational;

/// <summary>
/// Soft conditioning of deterministic sites, ported from chirho tests/observational/test_handlers.py
/// (the soft-conditioning smoke tests, full grids). Each factor is checked against the Gaussian
/// (or boolean) kernel of the computed and observed values, recomputed from the trace's noise.
/// </summary>
[Collection("Sequential")]
public sealed class SoftConditioningTests
{
    public static TheoryData<bool, bool, bool, bool> SmokeGrid
    {
        get
        {
            var data = new TheoryData<bool, bool, bool, bool>();
            foreach (bool auto in new[] { true, false })
            {
                foreach (bool x in new[] { true, false })
                {
                    foreach (bool y in new[] { true, false })
                    {
                        foreach (bool z in new[] { true, false })
                        {
                            data.Add(auto, x, y, z);
                        }
                    }
                }
            }

            return data;
        }
    }

    public static TheoryData<bool, bool, bool, int?, bool> CounterfactualGrid
    {
        get
        {
            var data = new TheoryData<bool, bool, bool, int?, bool>();
            foreach (bool x in new[] { true, false })
            {
                foreach (bool y in new[] { true, false })
                {
                    foreach (bool z in new[] { true, false })
                    {
                        foreach (int? dim in new int?[] { -1, -2, -3, null })
                        {
                            foreach (bool multi in new[] { true, false })
                            {
                                data.Add(x, y, z, dim, multi);
                            }
                        }
                    }
                }
            }

            return data;
        }
    }

    private static object? ContinuousScm(bool unused)
    {
        //   z
        //  /  \
        // x --> y
        var epsZ = Sample("eps_z", new Normal(tensor(0.0, dtype: float64), 1.0));
        var epsX = Sample("eps_x", new Normal(tensor(0.0, dtype: float64), 1.0));
        var epsY = Sample("eps_y", new Normal(tensor(0.0, dtype: float64), 1.0));
        var z = Deterministic("z", epsZ.add(1));
        var x = Deterministic("x", z.add(epsX));
        return Deterministic("y", x.mul(0.8).add(z.mul(0.3)).add(epsY));
    }

    private static object? DiscreteScm(bool unused)
    {
        var z = Deterministic("z", tensor(1L));
        var x = Deterministic("x", z.add(1));
        return Deterministic("y", x.add(z).add(1));
    }

    private static Dictionary<string, Tensor> Data(bool x, double xv, bool y, double yv, bool z, double zv, ScalarType dtype)
    {
        var data = new Dictionary<string, Tensor>();
        if (x)
        {
            data["x"] = tensor(xv).to(dtype);
        }

        if (y)
        {
            data["y"] = tensor(yv).to(dtype);
        }

        if (z)
        {
            data["z"] = tensor(zv).to(dtype);
        }

        return data;
    }

    private static double LogNormal0(double d, double scale) => MathNetNormal.PDFLn(0, scale, d);

    // ports test_handlers.py::test_soft_conditioning_smoke_continuous_1 (use_auto x x_obs x y_obs x z_obs, scale 0.6)
    [Theory]
    [MemberData(nameof(SmokeGrid))]
    public void test_soft_conditioning_smoke_continuous_1(bool useAuto, bool xObs, bool yObs, bool zObs)
    {
        using var scope = NewDisposeScope();
        const double Scale = 0.6;
        var data = Data(xObs, 1.5, yObs, 2.5, zObs, 3.5, float64);
        Func<bool, object?> model = ContinuousScm;
        var handler = useAuto
            ? new SoftConditionMessenger(data, Scale)
            : new SoftConditionMessenger(data, (a, b) => SoftEquality.SoftEq(Constraints.Real, a, b, Scale));
        Trace trace;
        using (handler.Install())
        {
            trace = model.GetTrace(false);
        }

        // recompute each computed value from the noise and the values its parents took
        double epsZ = trace["eps_z"].Value!.item<double>(), epsX = trace["eps_x"].Value!.item<double>(), epsY = trace["eps_y"].Value!.item<double>();
        double z = trace["z"].Value!.item<double>(), x = trace["x"].Value!.item<double>();
        var computed = new Dictionary<string, double> { ["z"] = 1 + epsZ, ["x"] = z + epsX, ["y"] = (0.8 * x) + (0.3 * z) + epsY };
        foreach (var name in new[] { "x", "y", "z" })
        {
            Assert.Equal(SiteKind.Deterministic, trace[name].Kind);
            if (data.TryGetValue(name, out var observed))
            {
                Assert.Equal(observed.item<double>(), trace[name].Value!.item<double>());
                var factor = trace[SoftConditionMessenger.FactorName(name)];
                Assert.Equal(trace[name].Value!.shape, factor.LogProb().shape);
                double expected = LogNormal0(computed[name] - observed.item<double>(), Scale);
                Assert.Equal(expected, factor.LogProb().item<double>(), 10);
            }
            else
            {
                Assert.Equal(computed[name], trace[name].Value!.item<double>(), 12);
                Assert.DoesNotContain(trace.SampleSites, s => s.Name == SoftConditionMessenger.FactorName(name));
            }
        }
    }

    // ports test_handlers.py::test_soft_conditioning_smoke_discrete_1 (the explicit kernel is ChiRho's boolean soft_eq)
    [Theory]
    [MemberData(nameof(SmokeGrid))]
    public void test_soft_conditioning_smoke_discrete_1(bool useAuto, bool xObs, bool yObs, bool zObs)
    {
        using var scope = NewDisposeScope();
        const double Scale = 0.6;
        var data = Data(xObs, 1, yObs, 2, zObs, 3, int64);
        Func<bool, object?> model = DiscreteScm;
        var handler = useAuto
            ? new SoftConditionMessenger(data, Scale)
            : new SoftConditionMessenger(data, (a, b) => SoftEquality.SoftEq(Constraints.Boolean, a, b, Scale));
        Trace trace;
        using (handler.Install())
        {
            trace = model.GetTrace(false);
        }

        long z = trace["z"].Value!.item<long>(), x = trace["x"].Value!.item<long>();
        var computed = new Dictionary<string, long> { ["z"] = 1, ["x"] = z + 1, ["y"] = x + z + 1 };
        foreach (var name in new[] { "x", "y", "z" })
        {
            if (data.TryGetValue(name, out var observed))
            {
                long o = observed.item<long>();
                Assert.Equal(o, trace[name].Value!.item<long>());
                double expected = useAuto ? LogNormal0(computed[name] - o, Scale) : Math.Log(computed[name] == o ? 1 - Scale : Scale);
                Assert.Equal(expected, trace[SoftConditionMessenger.FactorName(name)].LogProb().item<float>(), 5);
            }
            else
            {
                Assert.Equal(computed[name], trace[name].Value!.item<long>());
                Assert.DoesNotContain(trace.SampleSites, s => s.Name == SoftConditionMessenger.FactorName(name));
            }
        }
    }

    // ports test_handlers.py::test_soft_conditioning_counterfactual_continuous_1 (x_obs x y_obs x z_obs x cf_dim x cf_class)
    [Theory]
    [MemberData(nameof(CounterfactualGrid))]
    public void test_soft_conditioning_counterfactual_continuous_1(bool xObs, bool yObs, bool zObs, int? cfDim, bool multi)
    {
        using var scope = NewDisposeScope();
        var data = Data(xObs, 1.5, yObs, 2.5, zObs, 3.5, float64);
        Func<bool, object?> model = ContinuousScm;
        WorldMessenger worlds = (multi, cfDim) switch
        {
            (true, { } d) => new MultiWorldCounterfactual(d),
            (true, null) => new MultiWorldCounterfactual(),
            (false, { } d) => new TwinWorldCounterfactual(d),
            _ => new TwinWorldCounterfactual(),
        };
        Trace trace;
        using (new SoftConditionMessenger(data, 1.0).Install())
        using (worlds.Install())
        {
            trace = model.Intervene(new Dictionary<string, Intervention> { ["x"] = tensor(0.1234, dtype: float64) }).GetTrace(false);
        }

        foreach (var name in new[] { "x", "y", "z" })
        {
            var value = trace[name].Value!;
            if (data.TryGetValue(name, out var observed))
            {
                Assert.True(worlds.FactualOf(value).eq(observed).all().item<bool>(), $"{name}: factual entry");
                Assert.Contains(trace.SampleSites, s => s.Name == SoftConditionMessenger.FactorName(name));
            }
            else
            {
                Assert.DoesNotContain(trace.SampleSites, s => s.Name == SoftConditionMessenger.FactorName(name));
            }
        }

        // x is intervened after it is conditioned: its counterfactual entry is the action
        Assert.Equal(0.1234, worlds.Gather(trace["x"].Value!, new IndexSet((multi ? "x" : TwinWorldCounterfactual.IndexName, 1))).item<double>());

        // each soft factor scores the factual computed value only: a single entry (world dims of size 1)
        foreach (var name in data.Keys)
        {
            var factor = trace[SoftConditionMessenger.FactorName(name)];
            Assert.Equal(1, factor.LogProb().numel());
        }
    }

    [Fact]
    public void UnusedDataWarns()
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = ContinuousScm;
        IReadOnlyList<string> warnings;
        using (Ppl.Diagnostics.PplWarnings.Capture(out warnings))
        using (new SoftConditionMessenger(new Dictionary<string, Tensor> { ["w"] = tensor(1.0) }).Install())
        {
            model.GetTrace(false);
        }

        Assert.Contains(warnings, w => w.Contains("'w'", StringComparison.Ordinal));
    }
}
