using Ppl.Diagnostics;
using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Handlers;

/// <summary>Pyro's <c>poutine.lift</c> (<see cref="LiftMessenger"/>): ports of pyro tests/poutine/test_poutines.py::LiftHandlerTests.</summary>
[Collection("Sequential")]
public sealed class LiftTests
{
    private static readonly string[] GuideParams = ["loc1", "scale1", "loc2", "scale2"];

    private static Tensor Guide(bool _)
    {
        var loc1 = Param("loc1", () => randn(2));
        var scale1 = Param("scale1", () => ones(2));
        Sample("latent1", new Normal(loc1, scale1.abs()));
        var loc2 = Param("loc2", () => randn(2));
        var scale2 = Param("scale2", () => ones(2));
        return Sample("latent2", new Normal(loc2, scale2.abs()));
    }

    // the priors of Pyro's prior dict, as functions of the initial tensor (loc1 ~ N(0, 1), scale1 ~ LogNormal(0, 1), …)
    private static Distribution? PriorOf(string name, Tensor? init) => name switch
    {
        "loc1" => new Normal(zeros_like(init!), ones_like(init!)),
        "scale1" or "scale2" => new LogNormal(zeros_like(init!), ones_like(init!)),
        "loc2" => Bernoulli.FromProbs(full_like(init!, 0.5)),
        _ => null,
    };

    // ports pyro tests/poutine/test_poutines.py::LiftHandlerTests::test_splice. Pyro's function prior
    // hides the lifted sites; Ppl's function prior returns a distribution and the sites stay
    // visible as latent sample sites (docs/design/semantics-parity.md, "Handlers and sites")
    [Fact]
    public void Splice()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> guide = Guide;
        var plain = guide.GetTrace(false);

        var lifted = guide.Lift((_, init) => new LogNormal(zeros_like(init!), ones_like(init!))).GetTrace(false);

        Assert.Equal(plain.Nodes.Select(s => s.Name), lifted.Nodes.Select(s => s.Name));
        Assert.Empty(lifted.ParamSites);
        Assert.All(GuideParams, name => Assert.True(lifted[name].IsLatent));
    }

    // ports pyro tests/poutine/test_poutines.py::LiftHandlerTests::test_memoize
    [Fact]
    public void Memoize()
    {
        using var scope = NewDisposeScope();
        Tensor? a = null, b = null;
        Func<bool, bool> dupParamGuide = _ =>
        {
            a = Param("loc");
            b = Param("loc");
            return true;
        };

        var trace = dupParamGuide.Lift(new Normal(0.0, 1.0)).GetTrace(false);

        Assert.True(a!.eq(b!).all().item<bool>());
        Assert.Single(trace.Nodes);
        Assert.True(trace["loc"].IsLatent);
    }

    // ports pyro tests/poutine/test_poutines.py::LiftHandlerTests::test_prior_dict
    [Fact]
    public void PriorDict()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> guide = Guide;
        var plain = guide.GetTrace(false);

        var lifted = guide.Lift(PriorOf).GetTrace(false);

        foreach (var site in plain.Nodes)
        {
            Assert.True(lifted.Contains(site.Name));
            if (site.Kind == SiteKind.Param)
            {
                Assert.Equal(SiteKind.Sample, lifted[site.Name].Kind);
                Assert.False(lifted[site.Name].IsObserved);
                Assert.Equal(PriorOf(site.Name, zeros(2))!.GetType(), lifted[site.Name].Distribution!.GetType());
            }
        }
    }

    // ports pyro tests/poutine/test_poutines.py::LiftHandlerTests::test_unlifted_param
    [Fact]
    public void UnliftedParam()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> guide = Guide;
        var partial = new Dictionary<string, Distribution>
        {
            ["loc1"] = new Normal(zeros(2), ones(2)),
            ["scale1"] = new LogNormal(zeros(2), ones(2)),
        };

        var lifted = guide.Lift(partial).GetTrace(false);

        Assert.True(lifted["loc1"].IsLatent);
        Assert.True(lifted["scale1"].IsLatent);
        Assert.Equal(SiteKind.Param, lifted["loc2"].Kind);
        Assert.Equal(SiteKind.Param, lifted["scale2"].Kind);
    }

    // ports pyro tests/poutine/test_poutines.py::LiftHandlerTests::test_random_module_warn (a prior for a param that does not exist)
    [Fact]
    public void APriorForAMissingParamWarns()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> guide = Guide;

        using (PplWarnings.Capture(out var warnings))
        {
            guide.Lift(new Dictionary<string, Distribution> { ["foo"] = new Normal(0.0, 1.0) }).GetTrace(false);
            var warning = Assert.Single(warnings);
            Assert.Contains("'foo'", warning, StringComparison.Ordinal);
            Assert.Contains("'loc1'", warning, StringComparison.Ordinal);
        }
    }

    // pyro's test_random_module lifts an nn.Module; a Ppl module computes with its own tensors, so lifting one is refused
    [Fact]
    public void LiftingAModuleParameterIsRefused()
    {
        using var scope = NewDisposeScope();
        using var linear = nn.Linear(2, 1);
        Func<bool, bool> model = _ =>
        {
            Module("name", linear);
            return true;
        };

        var e = Assert.ThrowsAny<Exception>(() => model.Lift(new Normal(0.0, 1.0)).GetTrace(false));

        Assert.Contains("nn.Module", (e.InnerException ?? e).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AConstrainedParamNeedsAPriorOnItsDomain()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ => Param("s", () => tensor(0.5), Constraints.Positive);

        var e = Assert.ThrowsAny<Exception>(() => model.Lift(new Normal(0.0, 1.0)).GetTrace(false));

        Assert.Contains("'s'", (e.InnerException ?? e).Message, StringComparison.Ordinal);
        Assert.Contains("all the reals", (e.InnerException ?? e).Message, StringComparison.Ordinal);
        Assert.True(model.Lift(new Exponential(tensor(0.3))).GetTrace(false)["s"].IsLatent);
    }

    // the LiftMessenger doc example of Pyro: s ~ Exponential(0.3) replaces the param, draws differ between runs,
    // and the log joint is the prior's plus the likelihood's (closed form by MathNet)
    [Fact]
    public void ALiftedParamIsScoredUnderItsPrior()
    {
        using var scope = NewDisposeScope();
        Func<double, Tensor> model = x =>
        {
            var s = Param("s", () => F64.T(0.5));
            var z = Sample("z", new Normal(F64.T(x), s));
            return z.square();
        };
        var lifted = model.Lift(new Dictionary<string, Distribution> { ["s"] = new Exponential(F64.T(0.3)) });

        var first = lifted.GetTrace(0.0);
        var second = lifted.GetTrace(0.0);

        Assert.Equal(SiteKind.Sample, first["s"].Kind);
        Assert.False(F64.D(first["s"].Value!) == F64.D(second["s"].Value!));
        double s = F64.D(first["s"].Value!), z = F64.D(first["z"].Value!);
        double expected = Math.Log(0.3) - (0.3 * s) + MathNormal.PDFLn(0.0, s, z);
        Assert.Equal(expected, F64.D(first.LogProbSum()), 1e-10);
    }

    [Fact]
    public void OuterHandlersSeeASampleSite()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ => Param("w", () => F64.T(0.5));
        var store = new ParamStore();

        var value = model.Lift(F64.Normal64(0, 1)).Condition(F64.Data(("w", F64.T(2.5)))).WithParams(store).GetTrace(false)["w"];

        Assert.True(value.IsObserved);
        Assert.Equal(2.5, F64.D(value.Value!));
        Assert.False(store.Contains("w"));
    }
}
