using Ppl.Causal;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Queries;

/// <summary>A query about a site the model does not have is an error that names it and lists the model's sites.</summary>
[Collection("Sequential")]
public sealed class QuerySiteNameTests
{
    private const string Sites = "u, x, y, z";
    private static readonly LinearScm Scm = new();

    private static Dictionary<string, Intervention> DoX(double x) => new() { ["x"] = x };

    [Fact]
    public void AnUnknownOutcomeIsNamedWithTheModelsSites()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => CausalQueries.Interventional<bool>(Scm.Model, false, DoX(1.0), "w", 100, seed: 1));
        AssertNamesSite(e, "'w'");
        Assert.DoesNotContain("_causal_outcome", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownOutcomeOfACounterfactualIsNamed()
    {
        using var scope = NewDisposeScope();
        var evidence = new Dictionary<string, Tensor> { ["x"] = tensor(0.8, dtype: float64) };
        var e = Assert.Throws<ArgumentException>(() => CausalQueries.Counterfactual<bool>(Scm.Model, false, evidence, DoX(-1.0), "Y", 100, seed: 1));
        AssertNamesSite(e, "'Y'");
    }

    [Fact]
    public void AteOnAnUnknownTreatmentThrowsInsteadOfReturningZero()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => CausalQueries.Ate<bool>(Scm.Model, false, "t", 1.0, 0.0, "z", 100, seed: 1));
        AssertNamesSite(e, "'t'");
    }

    [Fact]
    public void AnInterventionOnAnUnknownSiteThrows()
    {
        using var scope = NewDisposeScope();
        var actions = new Dictionary<string, Intervention> { ["X"] = 1.0 };
        var e = Assert.Throws<ArgumentException>(() => CausalQueries.Interventional<bool>(Scm.Model, false, actions, "z", 100, seed: 1));
        AssertNamesSite(e, "'X'");
    }

    [Fact]
    public void EvidenceOnAnUnknownSiteThrows()
    {
        using var scope = NewDisposeScope();
        var evidence = new Dictionary<string, Tensor> { ["x"] = tensor(0.8, dtype: float64), ["zz"] = tensor(1.1, dtype: float64) };
        var e = Assert.Throws<ArgumentException>(() => CausalQueries.Counterfactual<bool>(Scm.Model, false, evidence, DoX(-1.0), "y", 100, seed: 1));
        AssertNamesSite(e, "'zz'");
    }

    [Fact]
    public void AbductionFromEvidenceOnAnUnknownSiteThrows()
    {
        using var scope = NewDisposeScope();
        var evidence = new Dictionary<string, Tensor> { ["v"] = tensor(0.8, dtype: float64) };
        var e = Assert.Throws<ArgumentException>(() => AbductionActionPrediction.AbductByImportance<bool>(Scm.Model, false, evidence, 100, seed: 1));
        AssertNamesSite(e, "'v'");
    }

    [Fact]
    public void PredictionOfAnUnknownOutcomeThrows()
    {
        using var scope = NewDisposeScope();
        var evidence = new Dictionary<string, Tensor> { ["x"] = tensor(0.8, dtype: float64) };
        using var posterior = AbductionActionPrediction.AbductByImportance<bool>(Scm.Model, false, evidence, 100, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => AbductionActionPrediction.Predict<bool>(posterior, Scm.Model, false, DoX(-1.0), "w"));
        AssertNamesSite(e, "'w'");
    }

    [Fact]
    public void BackdoorOnAnUnknownTreatmentOrAdjustmentSiteThrows()
    {
        using var scope = NewDisposeScope();
        var treatment = Assert.Throws<ArgumentException>(() =>
            CausalQueries.Backdoor<bool>(Scm.Model, false, "t", tensor(1.0, dtype: float64), ["u"], "z", draws: 50, innerDraws: 8, seed: 1));
        AssertNamesSite(treatment, "'t'");
        var adjustment = Assert.Throws<ArgumentException>(() =>
            CausalQueries.Backdoor<bool>(Scm.Model, false, "x", tensor(1.0, dtype: float64), ["U"], "z", draws: 50, innerDraws: 8, seed: 1));
        AssertNamesSite(adjustment, "'U'");
        var outcome = Assert.Throws<ArgumentException>(() =>
            CausalQueries.Backdoor<bool>(Scm.Model, false, "x", tensor(1.0, dtype: float64), ["u"], "Z", draws: 50, innerDraws: 8, seed: 1));
        AssertNamesSite(outcome, "'Z'");
    }

    [Fact]
    public void EvidenceOnADeterministicSiteIsRejected()
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = _ =>
        {
            var u = Sample("u", new Normal(zeros(1, dtype: float64).squeeze(0), 1.0));
            var e = Sample("e", new Normal(zeros(1, dtype: float64).squeeze(0), 1.0));
            return Deterministic("x", u.add(e));
        };

        // conditioning only acts on sample sites: this evidence would silently do nothing
        var evidence = new Dictionary<string, Tensor> { ["x"] = tensor(0.8, dtype: float64) };
        var e = Assert.Throws<ArgumentException>(() =>
            CausalQueries.Counterfactual<bool>(model, false, evidence, new Dictionary<string, Intervention> { ["u"] = 0.0 }, "x", 100, seed: 1));
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
        Assert.Contains("deterministic", e.Message, StringComparison.Ordinal);
    }

    private static void AssertNamesSite(ArgumentException e, string site)
    {
        Assert.Contains(site, e.Message, StringComparison.Ordinal);
        Assert.Contains(Sites, e.Message, StringComparison.Ordinal);
    }
}
