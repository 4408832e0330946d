using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>
/// A sample site's log-density has exactly the distribution's batch shape (after its plates): a
/// value whose batch dims would broadcast it wider is an error naming the site, the shapes and
/// the fix, never a silently larger log-density.
/// </summary>
[Collection("Sequential")]
public sealed class SiteShapeTests
{
    private const long N = 10;

    private static Tensor ColumnObservation(Tensor y)
    {
        var mu = Sample("mu", new Normal(tensor(0.0), 1.0));
        using var data = Plate("data", N);
        return Sample("y", new Normal(mu, 1.0), obs: y); // y is [N, 1]: log-density [N, N]
    }

    [Fact]
    public void AnNBy1ObservationInAPlateOfNThrowsWhenTraced()
    {
        using var scope = NewDisposeScope();
        Func<Tensor, Tensor> model = ColumnObservation;
        var e = Assert.Throws<ModelExecutionException>(() => model.GetTrace(randn(N, 1)));
        var inner = Assert.IsType<ArgumentException>(e.InnerException);
        Assert.Contains("'y'", inner.Message, StringComparison.Ordinal);
        Assert.Contains("[10, 1]", inner.Message, StringComparison.Ordinal);
        Assert.Contains("[10, 10]", inner.Message, StringComparison.Ordinal);
        Assert.Contains("plate('data'", inner.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AConditionedValueWiderThanItsSiteThrows()
    {
        using var scope = NewDisposeScope();
        static Tensor Scalar(int unused) => Sample("x", new Normal(tensor(0.0), 1.0));
        Func<int, Tensor> model = Scalar;
        var conditioned = model.Condition(new Dictionary<string, Tensor> { ["x"] = tensor(new[] { 0.8f, 0.1f, 0.3f }) });
        var e = Assert.Throws<ModelExecutionException>(() => conditioned.GetTrace(0));
        Assert.Contains("'x'", e.InnerException!.Message, StringComparison.Ordinal);
        Assert.Contains("[3]", e.InnerException.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnObservationWithBatchDimsOutsideAnyPlateThrows()
    {
        using var scope = NewDisposeScope();
        static Tensor Iid(Tensor y) => Sample("y", new Normal(tensor(0.0), 1.0), obs: y);
        Func<Tensor, Tensor> model = Iid;
        var e = Assert.Throws<ModelExecutionException>(() => model.GetTrace(randn(5)));
        Assert.Contains("Plate", e.InnerException!.Message, StringComparison.Ordinal);
        Assert.Contains("ToEvent", e.InnerException.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValuesThatBroadcastIntoTheBatchShapeAreFine()
    {
        using var scope = NewDisposeScope();
        static Tensor Model(Tensor y)
        {
            using var rows = Plate("rows", 4, dim: -2);
            using var cols = Plate("cols", 3);
            var z = Sample("z", new Normal(zeros(4, 3), 1.0));
            Sample("shared", new Normal(tensor(0.0), 1.0), obs: tensor(0.5f)); // [] into batch [4, 3]
            Sample("column", new Normal(zeros(4, 3), 1.0), obs: zeros(4, 1)); // [4, 1] into [4, 3]
            return Sample("y", new Normal(z, 1.0).ToEvent(0), obs: y);
        }

        Func<Tensor, Tensor> model = Model;
        var trace = model.GetTrace(zeros(4, 3));
        Assert.Equal([4L, 3L], trace["column"].LogProb().shape);
        Assert.Equal([4L, 3L], trace["shared"].LogProb().shape);
    }

    [Fact]
    public void EventDimsAreNotBatchDims()
    {
        using var scope = NewDisposeScope();
        static Tensor Joint(Tensor y) => Sample("y", new Normal(zeros(5), 1.0).ToEvent(1), obs: y);
        Func<Tensor, Tensor> model = Joint;
        var trace = model.GetTrace(randn(5));
        Assert.Empty(trace["y"].LogProb().shape);
        Assert.Throws<ModelExecutionException>(() => model.GetTrace(randn(2, 5)));
    }
}
