using MyModels;
using static TorchSharp.torch;
using NormalDist = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Inference.Docs;

/// <summary>
/// The param-only trace and ComputeLogProb example in docs/effect-handlers.md is the compiled file
/// TraceLogDensities.cs word for word, and it returns what the page says.
/// </summary>
[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class TraceLogDensitiesDocTests
{
    [Fact]
    public void TheDocsExampleIsTheCompiledFile() =>
        Assert.Equal(DocSnippet.CompiledFile("TraceLogDensities.cs"), DocSnippet.FirstBlockAfter("effect-handlers.md", "## Traces"));

    [Fact]
    public void TheExampleRecordsTheParamAndTheMaskedLogDensity()
    {
        using var scope = NewDisposeScope();
        double[] ys = [0.0, 1.0, 2.5];
        var (paramTrace, logY) = TraceLogDensities.Inspect(tensor(ys.Select(v => (float)v).ToArray()));
        Assert.Equal(["loc"], paramTrace.Nodes.Select(s => s.Name));

        double[] unscaled = ys.Select(v => NormalDist.PDFLn(0.5, 1, v)).ToArray();
        Assert.Equal(unscaled, logY.UnscaledLogProb.to(float64).data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal([unscaled[0], 0, unscaled[2]], logY.LogProb.to(float64).data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(unscaled[0] + unscaled[2], logY.LogProbSum.item<float>(), 1e-5);
    }
}
