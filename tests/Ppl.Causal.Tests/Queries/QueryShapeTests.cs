using Ppl.Causal;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Queries;

/// <summary>
/// Evidence must have exactly its site's shape, and an intervention must broadcast to its site's
/// shape without growing it: a wider tensor would otherwise run as extra units and be averaged in.
/// </summary>
[Collection("Sequential")]
public sealed class QueryShapeTests
{
    private static readonly LinearScm Scm = new();

    private static Tensor Scalar(double v) => tensor(v, dtype: float64);

    private static Tensor Vector(params double[] v) => tensor(v, dtype: float64);

    [Fact]
    public void CounterfactualRejectsEvidenceWiderThanItsSite()
    {
        using var scope = NewDisposeScope();
        var evidence = new Dictionary<string, Tensor> { ["x"] = Vector(0.8, 0.1, 0.3), ["z"] = Scalar(1.1) };
        var e = Assert.Throws<ArgumentException>(() =>
            CausalQueries.Counterfactual<bool>(Scm.Model, false, evidence, new Dictionary<string, Intervention> { ["x"] = -1.0 }, "y", 200, seed: 1));
        AssertNamesShapes(e, "'x'", "[3]", "[]");
    }

    [Fact]
    public void InterventionalRejectsAnInterventionWiderThanItsSite()
    {
        using var scope = NewDisposeScope();
        var actions = new Dictionary<string, Intervention> { ["x"] = Vector(-2, -1, 0, 1, 2) };
        var e = Assert.Throws<ArgumentException>(() => CausalQueries.Interventional<bool>(Scm.Model, false, actions, "z", 200, seed: 1));
        AssertNamesShapes(e, "'x'", "[5]", "[]");
    }

    [Fact]
    public void AFunctionInterventionThatGrowsItsSiteIsRejected()
    {
        using var scope = NewDisposeScope();
        var actions = new Dictionary<string, Intervention> { ["x"] = Intervention.FromFunction(x => x.add(Vector(0, 1, 2, 3))) };
        var e = Assert.Throws<ArgumentException>(() => CausalQueries.Interventional<bool>(Scm.Model, false, actions, "z", 200, seed: 1));
        AssertNamesShapes(e, "'x'", "[4]", "[]");
    }

    [Fact]
    public void AteRejectsATreatmentValueWiderThanItsSite()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => CausalQueries.Ate<bool>(Scm.Model, false, "x", Vector(1, 2), 0.0, "z", 200, seed: 1));
        AssertNamesShapes(e, "'x'", "[2]", "[]");
    }

    [Fact]
    public void BackdoorRejectsATreatmentValueWiderThanItsSite()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() =>
            CausalQueries.Backdoor<bool>(Scm.Model, false, "x", Vector(1, 2, 3), ["u"], "z", draws: 50, innerDraws: 8, seed: 1));
        AssertNamesShapes(e, "'x'", "[3]", "[]");
    }

    [Fact]
    public void AbductionRejectsEvidenceWiderThanItsSite()
    {
        using var scope = NewDisposeScope();
        var evidence = new Dictionary<string, Tensor> { ["x"] = Scalar(0.8), ["z"] = Vector(1.1, 0.2) };
        var e = Assert.Throws<ArgumentException>(() => AbductionActionPrediction.AbductByImportance<bool>(Scm.Model, false, evidence, 100, seed: 1));
        AssertNamesShapes(e, "'z'", "[2]", "[]");
    }

    [Fact]
    public void PredictionRejectsAnInterventionWiderThanItsSite()
    {
        using var scope = NewDisposeScope();
        var evidence = new Dictionary<string, Tensor> { ["x"] = Scalar(0.8), ["z"] = Scalar(1.1) };
        using var posterior = AbductionActionPrediction.AbductByImportance<bool>(Scm.Model, false, evidence, 100, seed: 1);
        var actions = new Dictionary<string, Intervention> { ["x"] = Vector(-1, 1) };
        var e = Assert.Throws<ArgumentException>(() => AbductionActionPrediction.Predict<bool>(posterior, Scm.Model, false, actions, "y"));
        AssertNamesShapes(e, "'x'", "[2]", "[]");
    }

    /// <summary>Three units in a plate; per unit the same linear SCM as <see cref="LinearScm"/>.</summary>
    private static object? Units(bool _)
    {
        using var units = Plate("units", 3);
        var u = Sample("u", new Normal(zeros(3, dtype: float64), 1.0));
        var x = Sample("x", new Normal(u.mul(Scm.Alpha), Scm.SigmaX));
        var y = Sample("y", new Normal(x.mul(Scm.Beta).add(u.mul(Scm.Gamma)), Scm.SigmaY));
        return Sample("z", new Normal(y.mul(Scm.Delta), Scm.SigmaZ));
    }

    [Fact]
    public void EvidenceWithOneValuePerUnitGivesEachUnitsCounterfactual()
    {
        using var scope = NewDisposeScope();
        double[] x = [0.3, -0.2, 1.0], y = [0.5, -1.0, 2.0];
        var evidence = new Dictionary<string, Tensor> { ["x"] = Vector(x), ["y"] = Vector(y), ["z"] = Vector(0.1, 0.2, 0.3) };

        // a scalar intervention sets every unit: do(x = −1)
        var estimate = CausalQueries.Counterfactual<bool>(Units, false, evidence, new Dictionary<string, Intervention> { ["x"] = -1.0 }, "y", 200, seed: 2);

        // additive noise: y_cf = y + β(x' − x) for each unit whatever U is; the statistic is the mean over units
        double exact = Enumerable.Range(0, 3).Average(i => y[i] + (Scm.Beta * (-1.0 - x[i])));
        Assert.Equal(exact, estimate.Value, 10);
    }

    [Fact]
    public void EvidenceMustGiveEveryUnitItsOwnValue()
    {
        using var scope = NewDisposeScope();
        var evidence = new Dictionary<string, Tensor> { ["x"] = Scalar(0.3) };
        var e = Assert.Throws<ArgumentException>(() =>
            CausalQueries.Counterfactual<bool>(Units, false, evidence, new Dictionary<string, Intervention> { ["x"] = -1.0 }, "y", 200, seed: 3));
        AssertNamesShapes(e, "'x'", "[]", "[3]");
    }

    [Fact]
    public void AnInterventionThatDoesNotBroadcastToItsSiteIsAnArgumentError()
    {
        using var scope = NewDisposeScope();
        var actions = new Dictionary<string, Intervention> { ["x"] = Vector(1, 2) };
        var e = Assert.Throws<ArgumentException>(() => CausalQueries.Interventional<bool>(Units, false, actions, "z", 200, seed: 4));
        AssertNamesShapes(e, "'x'", "[2]", "[3]");
    }

    private static void AssertNamesShapes(ArgumentException e, string site, string given, string expected)
    {
        Assert.Contains(site, e.Message, StringComparison.Ordinal);
        Assert.Contains(given, e.Message, StringComparison.Ordinal);
        Assert.Contains($"shape {expected}", e.Message, StringComparison.Ordinal);
    }
}
