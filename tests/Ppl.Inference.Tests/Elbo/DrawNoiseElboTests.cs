using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using Ppl.Handlers;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Elbo;

/// <summary>
/// The ELBO evaluates log q of a guide site from the noise its value was drawn from, which the
/// site recorded (<see cref="Site.DrawNoise"/>, <see cref="Distribution.LogProbFromNoise"/>). Against the plain estimate on the very same
/// traces, −mean over particles of Σ model <see cref="Site.LogProb"/> − Σ guide <see cref="Site.LogProb"/>,
/// the loss and the gradient of every parameter must agree to float64 rounding: the two differ
/// only in how (value − loc)/scale is recomputed (≈1e-16 relative per term, a few dozen terms), so
/// 1e-10 relative is a loose bound that a missing or wrong term exceeds by far. With fast paths
/// off the ELBO takes the plain path and must agree just the same.
/// </summary>
[Collection("Sequential")]
public sealed class DrawNoiseElboTests
{
    private const double Tolerance = 1e-10;

    private static readonly double[] Data = [0.4, -0.3, 1.1, 0.8];

    private static Tensor T(double v) => tensor(v, dtype: float64);

    /// <summary>
    /// z, b ∈ ℝ, s &gt; 0 (LogNormal prior), t &gt; 0, w ∈ ℝ² (an event), u ∈ ℝ⁴ in a plate under a
    /// scale of 2.5 with one element masked out; x ~ N(z + b/2 + u + w₀ − w₁, s·t) observed.
    /// </summary>
    private static object? Model(int _)
    {
        var z = Sample("z", new Normal(T(0.0), T(1.0)));
        var b = Sample("b", new Normal(T(0.5), 2.0));
        var s = Sample("s", new LogNormal(T(0.0), 0.5));
        var t = Sample("t", new LogNormal(T(0.2), T(0.8)));
        var w = Sample("w", new Normal(zeros(2, float64), 1.0).ToEvent(1));
        using var data = Plate("data", Data.Length);
        Tensor u;
        using (new ScaleMessenger(2.5).Install())
        using (new MaskMessenger(tensor(new[] { true, true, false, true })).Install())
        {
            u = Sample("u", new Normal(zeros(Data.Length, float64), 0.7));
        }

        Sample("x", new Normal(z.add(b.mul(0.5)).add(u).add(w.select(-1, 0)).sub(w.select(-1, 1)), s.mul(t)), obs: tensor(Data, dtype: float64));
        return null;
    }

    /// <summary>A hand guide: Normal, TransformedDistribution (exp), LogNormal, Independent Normal, a plated Normal with a constant scale.</summary>
    private static object? HandGuide(int _)
    {
        Sample("z", new Normal(Param("qz.loc", T(0.3)), Param("qz.scale", T(0.8), Constraints.Positive)));
        Sample("b", new Normal(Param("qb.loc", T(-0.4)), Param("qb.scale", T(1.5), Constraints.Positive)));
        Sample("s", new TransformedDistribution(new Normal(Param("qs.loc", T(-0.2)), Param("qs.scale", T(0.4), Constraints.Positive)), ExpTransform.Instance));
        Sample("t", new LogNormal(Param("qt.loc", T(0.1)), Param("qt.scale", T(0.6), Constraints.Positive)));
        Sample("w", new Normal(Param("qw.loc", tensor(new[] { 0.5, -0.5 }, dtype: float64)), Param("qw.scale", tensor(new[] { 0.3, 1.2 }, dtype: float64), Constraints.Positive)).ToEvent(1));
        using var data = Plate("data", Data.Length);
        using (new ScaleMessenger(2.5).Install())
        using (new MaskMessenger(tensor(new[] { true, true, false, true })).Install())
        {
            Sample("u", new Normal(Param("qu.loc", tensor(new[] { 0.1, -0.2, 0.3, 0.0 }, dtype: float64)), 0.35));
        }

        return null;
    }

    public static TheoryData<string, int, bool, bool> Cases => new()
    {
        { "TraceElbo", 1, false, true },
        { "TraceElbo", 3, false, true },
        { "TraceElbo", 3, true, true },
        { "TraceGraphElbo", 2, false, true },
        { "TraceElbo", 1, false, false },
        { "TraceElbo", 3, true, false },
    };

    private static Ppl.Inference.Elbo Make(string kind, int particles, bool vectorize) => kind switch
    {
        "TraceElbo" => new TraceElbo { NumParticles = particles, VectorizeParticles = vectorize, MaxPlateNesting = 1 },
        "TraceGraphElbo" => new TraceGraphElbo { NumParticles = particles, VectorizeParticles = vectorize, MaxPlateNesting = 1 },
        _ => throw new ArgumentException(kind, nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void HandGuideLossAndGradientsEqualThoseOfPlainSiteLogProbs(string kind, int particles, bool vectorize, bool fast)
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using var paths = fast ? FastPaths.Enable() : FastPaths.Disable();
        var elbo = Make(kind, particles, vectorize);
        AssertMatchesPlainEstimate(elbo, Model, HandGuide, store, seed: 21, expectOwnDraws: ["z", "b", "s", "t", "w", "u"]);
        (elbo as IDisposable)?.Dispose();
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void AutoNormalLossAndGradientsEqualThoseOfPlainSiteLogProbs(bool seeded, bool fast)
    {
        // seeded: every site draws itself (noise recorded); unseeded: AutoNormal draws the
        // same-shaped plate-free real sites together (fast paths on) and the ELBO evaluates those
        // with LogProb
        using var scope = NewDisposeScope();
        using var paths = fast ? FastPaths.Enable() : FastPaths.Disable();
        using var store = new ParamStore();
        using var guide = new AutoNormal<int>(Model, initScale: 0.3);
        Func<int, object?> guideFn = a => guide.Guide(a);
        using (store.Activate())
        {
            guide.Guide(0); // create the parameters, then move them away from the initial values
        }

        using (no_grad())
        {
            int k = 0;
            foreach (var name in store.Names)
            {
                store.GetUnconstrained(name).add_(0.1 * ((k++ % 5) - 2));
            }
        }

        // unseeded, the real scalars z and b are drawn together (not own draws); the others draw themselves
        string[] expected = seeded || !fast ? ["z", "b", "s", "t", "w", "u"] : ["s", "t", "w", "u"];
        AssertMatchesPlainEstimate(new TraceElbo(), Model, guideFn, store, seeded ? 5 : null, expected);
    }

    private static void AssertMatchesPlainEstimate(Ppl.Inference.Elbo elbo, Func<int, object?> model, Func<int, object?> guide, ParamStore store, long? seed, string[] expectOwnDraws)
    {
        if (seed is null)
        {
            manual_seed(4);
        }

        ElboEstimate estimate;
        using (store.Activate())
        using (seed is long s ? new SeedMessenger(s).Install() : default)
        {
            estimate = elbo.Estimate(model, guide, 0);
        }

        // the plain estimate from the same traces: every site through Distribution.LogProb
        Tensor plain = zeros([], float64);
        int count = 0;
        var ownDrawSites = new HashSet<string>(StringComparer.Ordinal);
        foreach (var run in estimate.Runs)
        {
            foreach (var site in run.Model.SampleSites)
            {
                plain = plain.add(site.LogProb().sum());
            }

            foreach (var site in run.Guide.LatentSites)
            {
                plain = plain.sub(site.LogProb().sum());
                if (site.DrawNoise is not null)
                {
                    ownDrawSites.Add(site.Name);
                }
            }

            count += run.Layout.Count;
        }

        plain = plain.div(-count);

        // the new path is actually taken for the sites it applies to
        Assert.Equal(expectOwnDraws.Order(StringComparer.Ordinal), ownDrawSites.Order(StringComparer.Ordinal));

        double expectedLoss = plain.item<double>();
        double actualLoss = estimate.Loss.item<double>();
        Assert.True(Math.Abs(expectedLoss - actualLoss) <= Tolerance * Math.Max(1, Math.Abs(expectedLoss)), $"loss: plain {expectedLoss:R}, ELBO {actualLoss:R}");

        var names = store.Names.ToList();
        var parameters = names.Select(n => (Tensor)store.GetUnconstrained(n)).ToList();
        var expected = autograd.grad([plain], parameters, retain_graph: true, allow_unused: true);
        var actual = autograd.grad([estimate.Surrogate], parameters, retain_graph: true, allow_unused: true);
        for (int k = 0; k < names.Count; k++)
        {
            Assert.NotNull(expected[k]);
            Assert.NotNull(actual[k]);
            var e = expected[k].data<double>().ToArray();
            var a = actual[k].data<double>().ToArray();
            Assert.Equal(e.Length, a.Length);
            Assert.Contains(e, g => g != 0.0);
            for (int i = 0; i < e.Length; i++)
            {
                Assert.True(Math.Abs(e[i] - a[i]) <= Tolerance * Math.Max(1, Math.Abs(e[i])), $"∂loss/∂{names[k]}[{i}]: plain {e[i]:R}, ELBO {a[i]:R}");
            }
        }
    }
}
