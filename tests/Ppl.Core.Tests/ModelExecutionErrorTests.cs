using Ppl.Distributions;
using Ppl.Effects;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>Failures while tracing are rethrown as ModelExecutionException carrying the shape table.</summary>
[Collection("Sequential")]
public sealed class ModelExecutionErrorTests
{
    [Fact]
    public void ExceptionAfterSomeSitesIsWrappedWithTheShapeTable()
    {
        using var scope = NewDisposeScope();
        var original = new DivideByZeroException("boom in the model");
        Func<bool, Tensor> model = _ =>
        {
            Sample("alpha_site", F64.Normal64(0, 1));
            using var plate = Plate("rows", 3);
            Sample("beta_site", F64.Normal64(0, 1));
            throw original;
        };

        var e = Assert.Throws<ModelExecutionException>(() => model.TraceRun(false));

        Assert.Same(original, e.InnerException);
        Assert.Contains("DivideByZeroException", e.Message, StringComparison.Ordinal);
        Assert.Contains("boom in the model", e.Message, StringComparison.Ordinal);
        Assert.Contains("Trace shapes:", e.Message, StringComparison.Ordinal);
        Assert.Contains("alpha_site", e.Shapes, StringComparison.Ordinal);
        Assert.Contains("beta_site", e.Shapes, StringComparison.Ordinal);
        Assert.EndsWith(e.Shapes, e.Message, StringComparison.Ordinal);
        Assert.False(HandlerStack.IsActive);
    }

    [Fact]
    public void PlateShapeErrorDuringTracingIsWrappedWithTheSitesRecordedSoFar()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ =>
        {
            Sample("first_site", F64.Normal64(0, 1));
            using var plate = Plate("rows", 3);
            return Sample("wrong_site", new Normal(zeros(4, dtype: ScalarType.Float64), 1.0));
        };

        var e = Assert.Throws<ModelExecutionException>(() => model.TraceRun(false));

        var inner = Assert.IsType<ArgumentException>(e.InnerException);
        Assert.Contains("'wrong_site'", inner.Message, StringComparison.Ordinal);
        Assert.Contains("first_site", e.Shapes, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong_site |", e.Shapes, StringComparison.Ordinal);
        Assert.False(HandlerStack.IsActive);
    }

    [Fact]
    public void ShapeErrorNamesTheSiteWhenTheSiteIsRecorded()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ =>
        {
            Sample("fine_site", F64.Normal64(0, 1));
            return Sample("mismatched_site", new Normal(zeros(3, dtype: ScalarType.Float64), 1.0), obs: zeros(4, dtype: ScalarType.Float64));
        };

        // the value's batch [4] cannot fit the batch shape [3]: rejected as the site is recorded, before any log-density
        var e = Assert.Throws<ModelExecutionException>(() => model.GetTrace(false));

        Assert.Contains("'mismatched_site'", e.Message, StringComparison.Ordinal);
        Assert.Contains("fine_site", e.Shapes, StringComparison.Ordinal);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void LogProbSumOfATraceWithoutSampleSitesThrows()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ => Param("w", F64.T(1.0));
        var trace = model.GetTrace(false);
        Assert.Throws<InvalidOperationException>(() => trace.LogProbSum());
    }
}
