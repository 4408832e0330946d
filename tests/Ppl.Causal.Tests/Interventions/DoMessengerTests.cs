using Ppl.Causal;
using Ppl.Distributions;
using Ppl.Effects;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Interventions;

/// <summary>
/// Ports chirho tests/interventional/test_do_messenger.py: an inline <c>Intervene</c>, the
/// <see cref="InterventionsMessenger"/> handler and the wrapper form mean the same under each
/// world handler. ChiRho's inline <c>intervene</c> may be unnamed; Ppl's takes the site's name.
/// </summary>
[Collection("Sequential")]
public sealed class DoMessengerTests
{
    public static TheoryData<double> XCfValues => new() { -1.0, 0.0, 2.0, 2.5 };

    private static (Tensor Z, Tensor X, Tensor Y) Model()
    {
        var z = Sample("z", new Normal(tensor(0.0, dtype: float64), 1.0));
        var x = Sample("x", new Normal(z, 1.0));
        var y = Sample("y", new Normal(x.mul(0.8).add(z.mul(0.3)), 1.0));
        return (z, x, y);
    }

    private static (Tensor Z, Tensor X, Tensor Y) InlineIntervened(double xCf)
    {
        var z = Sample("z", new Normal(tensor(0.0, dtype: float64), 1.0));
        var x = Sample("x_inline", new Normal(z, 1.0));
        x = CausalPrimitives.Intervene(x, tensor(xCf, dtype: float64), "x_inline");
        var y = Sample("y", new Normal(x.mul(0.8).add(z.mul(0.3)), 1.0));
        return (z, x, y);
    }

    private static (Tensor Z, Tensor X, Tensor Y) Messenger(double xCf)
    {
        using (new InterventionsMessenger(new Dictionary<string, Intervention> { ["x"] = tensor(xCf, dtype: float64) }).Install())
        {
            return Model();
        }
    }

    private static (Tensor Z, Tensor X, Tensor Y) Wrapped(double xCf)
    {
        Func<bool, (Tensor, Tensor, Tensor)> model = _ => Model();
        return model.Intervene(new Dictionary<string, Intervention> { ["x"] = tensor(xCf, dtype: float64) })(false);
    }

    private static (Tensor Z, Tensor X, Tensor Y)[] RunAll(Messenger worlds, double xCf)
    {
        using (worlds.Install())
        {
            return [InlineIntervened(xCf), Messenger(xCf), Wrapped(xCf)];
        }
    }

    // ports test_do_messenger.py::test_do_messenger_factual
    [Theory]
    [MemberData(nameof(XCfValues))]
    public void test_do_messenger_factual(double xCf)
    {
        using var scope = NewDisposeScope();
        var runs = RunAll(new SingleWorldFactual(), xCf);
        double[] xs = [.. runs.Select(r => r.X.item<double>())];
        Assert.Equal(xs.Length, xs.Distinct().Count()); // three independent draws, none replaced
        Assert.DoesNotContain(xCf, xs);
        Assert.All(runs, r => Assert.All(new[] { r.Z, r.X, r.Y }, t => Assert.Empty(t.shape)));
    }

    // ports test_do_messenger.py::test_do_messenger_base_counterfactual
    [Theory]
    [MemberData(nameof(XCfValues))]
    public void test_do_messenger_base_counterfactual(double xCf)
    {
        using var scope = NewDisposeScope();
        var runs = RunAll(new SingleWorldCounterfactual(), xCf);
        Assert.All(runs, r => Assert.Equal(xCf, r.X.item<double>()));
        Assert.All(runs, r => Assert.All(new[] { r.Z, r.X, r.Y }, t => Assert.Empty(t.shape)));
    }

    // ports test_do_messenger.py::test_do_messenger_twin_counterfactual
    [Theory]
    [MemberData(nameof(XCfValues))]
    public void test_do_messenger_twin_counterfactual(double xCf)
    {
        using var scope = NewDisposeScope();
        var runs = RunAll(new TwinWorldCounterfactual(-1), xCf);
        double[] factual = [.. runs.Select(r => r.X[0].item<double>()), xCf];
        Assert.Equal(factual.Length, factual.Distinct().Count());
        Assert.All(runs, r => Assert.Equal(xCf, r.X[1].item<double>()));
        Assert.All(runs, r => Assert.Empty(r.Z.shape));
        Assert.All(runs, r => Assert.Equal([2L], r.X.shape));
        Assert.All(runs, r => Assert.Equal([2L], r.Y.shape));
    }
}
