using Ppl.Causal;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Queries;

/// <summary>Evidence the model gives zero probability is an error that says so, not NaN ± NaN.</summary>
[Collection("Sequential")]
public sealed class ZeroLikelihoodTests
{
    /// <summary>A treatment that is never given (its category has log-weight −∞), confounded by U.</summary>
    private static object? NeverTreated(bool _)
    {
        var u = Sample("u", new Normal(zeros(1, dtype: float64).squeeze(0), 1.0));
        var t = Sample("t", Categorical.FromLogits(tensor(new[] { 0.0, double.NegativeInfinity }, dtype: float64)));
        return Sample("y", new Normal(u.add(t.to(float64)), 1.0));
    }

    private static Dictionary<string, Tensor> Treated() => new()
    {
        ["t"] = tensor(1.0, dtype: float64),
        ["y"] = tensor(0.3, dtype: float64),
    };

    [Fact]
    public void ACounterfactualGivenImpossibleEvidenceSaysTheEvidenceHasZeroLikelihood()
    {
        using var scope = NewDisposeScope();
        var actions = new Dictionary<string, Intervention> { ["t"] = 0.0 };
        var e = Assert.Throws<InvalidOperationException>(() => CausalQueries.Counterfactual<bool>(NeverTreated, false, Treated(), actions, "y", 100, seed: 1));
        Assert.Contains("zero likelihood", e.Message, StringComparison.Ordinal);
        Assert.Contains("site 't'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AbductionFromImpossibleEvidenceSaysSo()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<InvalidOperationException>(() => AbductionActionPrediction.AbductByImportance<bool>(NeverTreated, false, Treated(), 100, seed: 1));
        Assert.Contains("zero likelihood", e.Message, StringComparison.Ordinal);
        Assert.Contains("site 't'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BackdoorAtATreatmentValueTheModelNeverTakesSaysSo()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<InvalidOperationException>(() =>
            CausalQueries.Backdoor<bool>(NeverTreated, false, "t", tensor(1.0, dtype: float64), ["u"], "y", draws: 20, innerDraws: 8, seed: 1));
        Assert.Contains("zero likelihood", e.Message, StringComparison.Ordinal);
        Assert.Contains("site 't'", e.Message, StringComparison.Ordinal);
    }
}
