using Ppl.Distributions;
using Ppl.Handlers;
using Ppl.Inference;
using Ppl.Inference.Optim;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Elbo;

/// <summary>
/// The ELBO evaluates same-family scalar and same-shaped sites in one stacked log-density; the
/// result and its gradients must equal the per-site sum Σ site.LogProb() over the same traces.
/// </summary>
[Collection("Sequential")]
public sealed class StackedLogDensityTests
{
    private const int Latents = 6;
    private static readonly string[] Z = [.. Enumerable.Range(0, Latents).Select(i => $"z{i}")];

    // float64 throughout; groups: scalar Normals (latent and observed), scalar Laplaces, [3]-shaped
    // Independent Normals; alone: one Cauchy; excluded: scaled sites (their own group by scale),
    // a masked site, a site whose value is smaller than its batch shape
    private static object? Model(Tensor data)
    {
        var zs = new Tensor[Latents];
        for (int i = 0; i < Latents; i++)
        {
            zs[i] = Sample(Z[i], new Normal(tensor(0.1 * i, float64), tensor(1.0 + (0.2 * i), float64)));
            Sample($"x{i}", new Normal(zs[i], 0.7), obs: data[i]);
        }

        for (int j = 0; j < 3; j++)
        {
            Sample($"lap{j}", new Laplace(zs[j], tensor(0.5, float64)), obs: data[6 + j]);
        }

        Sample("cauchy", new Cauchy(zs[0], tensor(2.0, float64)), obs: data[9]);
        var v = Sample("v", new Normal(zeros(3, float64), 1.0).ToEvent(1));
        var w = Sample("w", new Normal(zeros(3, float64), 2.0).ToEvent(1));
        using (new ScaleMessenger(3.0).Install())
        {
            Sample("s0", new Normal(zs[1], 1.5), obs: data[10]);
            Sample("s1", new Normal(zs[2], 1.5), obs: data[11]);
        }

        using (new MaskMessenger(tensor(new[] { true, false, true })).Install())
        {
            Sample("masked", new Normal(v, 1.0).ToEvent(1), obs: data.narrow(0, 0, 3));
        }

        // a batch-shape-[3] distribution observed at a [] value that broadcasts into it: its own
        // path (its 3 terms are independent, so they sit in a plate)
        using (Plate("broadcast", 3))
        {
            Sample("broadcastValue", new Normal(w, tensor(1.0, float64)), obs: data[3]);
        }

        return null;
    }

    private static object? Guide(Tensor data)
    {
        for (int i = 0; i < Latents; i++)
        {
            var loc = Param($"loc{i}", () => tensor(0.3 - (0.1 * i), float64));
            var scale = Param($"scale{i}", () => tensor(0.5 + (0.1 * i), float64), Constraints.Positive);
            Sample(Z[i], new Normal(loc, scale));
        }

        foreach (var name in new[] { "v", "w" })
        {
            var loc = Param($"{name}_loc", () => linspace(-1, 1, 3, dtype: float64));
            var scale = Param($"{name}_scale", () => full(3, 0.4, float64), Constraints.Positive);
            Sample(name, new Normal(loc, scale).ToEvent(1));
        }

        return null;
    }

    private static Tensor Data() => linspace(-2, 2.5, 12, dtype: float64);

    /// <summary>Σ over the model's sample sites minus Σ over the guide's latents, one site at a time.</summary>
    private static Tensor PerSiteElbo(ElboTraces run) =>
        stack(run.Model.SampleSites.Select(s => s.LogProb().sum()).ToList()).sum()
            .sub(stack(run.Guide.LatentSites.Select(s => s.LogProb().sum()).ToList()).sum());

    [Fact]
    public void TheStackedElboEqualsThePerSiteSumAndSoDoItsGradients()
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        manual_seed(11);
        var data = Data();
        ElboEstimate estimate;
        using (store.Activate())
        {
            estimate = new TraceElbo().Estimate(Model, Guide, data);
        }

        var truth = PerSiteElbo(estimate.Runs[0]).neg();
        Assert.Equal(truth.item<double>(), estimate.Loss.item<double>(), 12);

        var parameters = store.Names.Select(n => (Tensor)store.GetUnconstrained(n)).ToList();
        var stacked = autograd.grad([estimate.Surrogate], parameters, retain_graph: true);
        var perSite = autograd.grad([truth], parameters);
        for (int i = 0; i < parameters.Count; i++)
        {
            Assert.True(stacked[i].allclose(perSite[i], rtol: 0, atol: 1e-12), $"gradient of {store.Names[i]}: {stacked[i].str()} vs {perSite[i].str()}");
            Assert.True(perSite[i].abs().sum().item<double>() > 0, $"{store.Names[i]} has a gradient");
        }
    }

    [Fact]
    public void SitesAreGroupedByFamilyShapeAndScaleOnly()
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        ElboEstimate estimate;
        using (store.Activate())
        {
            estimate = new TraceElbo().Estimate(Model, Guide, Data());
        }

        var groups = estimate.Runs[0].Model.SampleSites
            .Select(s => (s.Name, Class: StackedLogDensity.Classify(s)))
            .Where(c => c.Class is not null)
            .GroupBy(c => c.Class!.Value.Key, c => c.Name)
            .ToDictionary(g => string.Join(",", g.Order(StringComparer.Ordinal)), g => g.Key);
        string normals = string.Join(",", Enumerable.Range(0, Latents).SelectMany(i => new[] { $"x{i}", $"z{i}" }).Order(StringComparer.Ordinal));
        Assert.Equal(typeof(Normal), groups[normals].Family);
        Assert.Equal(typeof(Laplace), groups["lap0,lap1,lap2"].Family);
        Assert.Equal(3.0, groups["s0,s1"].Scale);
        Assert.Equal("[3]", groups["v,w"].Shape);
        Assert.Equal(typeof(Cauchy), groups["cauchy"].Family);
        Assert.Equal(5, groups.Count); // "masked" and "broadcastValue" keep their own path
    }

    [Fact]
    public void AnObservationOutsideTheSupportIsReportedByItsSiteName()
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        var data = Data();
        data[7] = tensor(double.NaN, float64); // lap1's observation, in the Laplace group
        using (store.Activate())
        {
            var e = Assert.Throws<ModelExecutionException>(() => new TraceElbo().Estimate(Model, Guide, data));
            Assert.Contains("'lap1'", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AStepOfScalarSitesRunsOnTheMetaDevice()
    {
        var meta = device("meta");
        var data = zeros(12, float64, meta);
        using var opt = new Adam(0.05);
        var svi = new Svi<Tensor>(
            d =>
            {
                for (int i = 0; i < 4; i++)
                {
                    var z = Sample(Z[i], new Normal(zeros(1, float64, meta).squeeze(), 1.0));
                    Sample($"x{i}", new Normal(z, 1.0), obs: d[i]);
                }

                return null;
            },
            d =>
            {
                for (int i = 0; i < 4; i++)
                {
                    var loc = Param($"loc{i}", () => zeros(1, float64, meta).squeeze());
                    var scale = Param($"scale{i}", () => ones(1, float64, meta).squeeze(), Constraints.Positive);
                    Sample(Z[i], new Normal(loc, scale));
                }

                return null;
            },
            opt,
            new TraceElbo());
        Assert.True(double.IsNaN(svi.Step(data)));
        Assert.Equal(DeviceType.META, svi.ParamStore["loc0"].device.type);
    }
}
