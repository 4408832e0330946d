using Ppl.Causal;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Worlds;

/// <summary>
/// World indices behave like ChiRho's index plates: keyed by name (a name used again reuses its
/// index), allocated at fixed dims that must not collide with the model's plates, entered by the
/// sites that vary along them, and never silently mixed with a batch dim of another size.
/// </summary>
[Collection("Sequential")]
public sealed class WorldIndexTests
{
    // ChiRho: add_indices on an existing name reuses its plate (chirho/indexed/handlers.py
    // IndexPlatesMessenger._pyro_add_indices), and split gathers entry 0 before applying the act
    [Fact]
    public void AnInterventionNameUsedTwiceReusesItsWorldIndex()
    {
        using var scope = NewDisposeScope();
        var world = new MultiWorldCounterfactual(-1);
        Tensor once, twice;
        using (world.Install())
        {
            once = CausalPrimitives.Intervene(tensor(0.5, dtype: float64), 1.0, "x");
            twice = CausalPrimitives.Intervene(once.mul(10), 2.0, "x");
        }

        var index = Assert.Single(world.Worlds);
        Assert.Equal("x", index.Name);
        Assert.Equal(new long[] { 2 }, twice.shape);
        var worlds = world.Worlds;
        Assert.Equal(5.0, WorldTensors.Gather(twice, new IndexSet(("x", 0)), worlds).item<double>());
        Assert.Equal(2.0, WorldTensors.Gather(twice, new IndexSet(("x", 1)), worlds).item<double>());
    }

    [Fact]
    public void EntriesThatDoNotFitAnExistingIndexAreAnError()
    {
        using var scope = NewDisposeScope();
        using var handler = new MultiWorldCounterfactual(-1).Install();
        Ppl.Causal.Indexed.AddIndices(new IndexSet(new Dictionary<string, IEnumerable<int>> { ["x"] = [0, 1] }));
        var e = Assert.Throws<InvalidOperationException>(() => Ppl.Causal.Indexed.AddIndices(new IndexSet(("x", 2))));
        Assert.Contains("world index 'x', which has 2 worlds", e.Message, StringComparison.Ordinal);
    }

    // ports chirho tests/counterfactual/test_counterfactual_handler.py::test_dim_allocation_failure
    // (cf_dim None is ChiRho's default first dim; Ppl's default is -4)
    [Theory]
    [InlineData(-1)]
    [InlineData(-2)]
    [InlineData(-3)]
    [InlineData(null)]
    public void DimAllocationFailure(int? cfDim)
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = _ =>
        {
            using var data = Plate("data", 3, dim: cfDim ?? -4);
            var x = Sample("x", new Normal(tensor(0.0, dtype: float64), 1.0));
            return CausalPrimitives.Intervene(x, ones_like(x), "x");
        };
        var world = cfDim is int d ? new MultiWorldCounterfactual(d) : new MultiWorldCounterfactual();
        var e = Assert.IsType<InvalidOperationException>(Assert.Throws<ModelExecutionException>(() => model.With(() => world).GetTrace(false)).InnerException);
        Assert.Contains("unable to allocate an index plate", e.Message, StringComparison.Ordinal);
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"e.g. {(cfDim ?? -4) - 1}", e.Message, StringComparison.Ordinal);
    }

    // ChiRho allocates index plates at first_available_dim, then one dim further left per new
    // name; a plate in the way is an error there, not a reason to skip it
    [Fact]
    public void ASecondWorldIndexDoesNotSkipAPlateInItsWay()
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = _ =>
        {
            using var data = Plate("data", 3, dim: -2);
            var x = Sample("x", new Normal(tensor(0.0, dtype: float64), 1.0));
            x = CausalPrimitives.Intervene(x, 1.0, "a"); // dim -1: free
            return CausalPrimitives.Intervene(x, 2.0, "b"); // dim -2: the plate's
        };
        var e = Assert.IsType<InvalidOperationException>(Assert.Throws<ModelExecutionException>(() => model.MultiWorld(-1).GetTrace(false)).InnerException);
        Assert.Contains("unable to allocate an index plate dimension for world index 'b' at dim -2", e.Message, StringComparison.Ordinal);
        Assert.Contains("data", e.Message, StringComparison.Ordinal);
    }

    // a batch dim of another size at a world dim (here an event dim left undeclared) would share
    // one noise value across its entries and count counterfactual entries in the log-density
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ABatchDimOfAnotherSizeAtAWorldDimIsAnError(bool multiWorld)
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = _ =>
        {
            var x = Sample("x", new Normal(tensor(0.0, dtype: float64), 1.0));
            x = CausalPrimitives.Intervene(x, 1.0, "x");
            Sample("y", new Normal(x, 1.0));
            return Sample("z", new Normal(zeros(4, 3, dtype: float64), 1.0)); // meant as one [4, 3] event: .ToEvent(2) forgotten
        };
        var handled = multiWorld ? model.MultiWorld(-2) : model.TwinWorld(-2);
        var e = Assert.IsType<ArgumentException>(Assert.Throws<ModelExecutionException>(() => handled.GetTrace(false)).InnerException);
        Assert.Contains("site 'z' has size 4 at world dim -2", e.Message, StringComparison.Ordinal);
        Assert.Contains("ToEvent", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AValueOfAnotherSizeAtAWorldDimIsAnErrorToo()
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = _ => Sample("z", new Normal(tensor(0.0, dtype: float64), 1.0).Expand(3), obs: zeros(4, 3, dtype: float64));
        var e = Assert.IsType<ArgumentException>(Assert.Throws<ModelExecutionException>(() => model.TwinWorld(-2).GetTrace(false)).InnerException);
        Assert.Contains("site 'z' has size 4 at world dim -2 in its value's batch shape [4, 3]", e.Message, StringComparison.Ordinal);
    }

    // ChiRho's _LazyPlateMessenger: the index plate's frame goes to exactly the sample sites whose
    // value or distribution varies along it
    [Fact]
    public void SitesThatVaryAlongAWorldDimSitInItsPlate()
    {
        using var scope = NewDisposeScope();
        Func<bool, object?> model = _ =>
        {
            using var data = Plate("data", 3, dim: -1);
            var u = Sample("u", new Normal(tensor(0.0, dtype: float64), 1.0));
            var x = Sample("x", new Normal(u, 1.0));
            x = CausalPrimitives.Intervene(x, 1.0, "x");
            return Sample("y", new Normal(x.add(u), 1.0));
        };
        var trace = model.TwinWorld(-2).GetTrace(false);
        Assert.DoesNotContain(trace["u"].Plates, p => p.Dim == -2);
        Assert.DoesNotContain(trace["x"].Plates, p => p.Dim == -2); // drawn before the intervention split it
        var frames = trace["y"].Plates;
        Assert.Equal(2, frames.Length);
        Assert.Equal(-2, frames[0].Dim); // outermost: worlds sit left of the model's plates
        Assert.Equal(2, frames[0].Size);
        Assert.Equal("data", frames[1].Name);
    }
}
