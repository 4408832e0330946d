using MyModels;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Docs;

/// <summary>
/// The Predictive example in docs/inference.md is the compiled file PredictiveShapes.cs word for
/// word, and it returns what the page says.
/// </summary>
[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class PredictiveShapesDocTests
{
    [Fact]
    public void TheDocsExampleIsTheCompiledFile() =>
        Assert.Equal(DocSnippet.CompiledFile("PredictiveShapes.cs"), DocSnippet.FirstBlockAfter("inference.md", "## Predictive"));

    [Fact]
    public void TheExampleReturnsPyrosShapesAndTheGuidesDraws()
    {
        using var scope = NewDisposeScope();
        var (mu, y, residual, yAgain) = PredictiveShapes.Draw();
        Assert.Equal([500L, 1], mu.shape);
        Assert.Equal([500L, 3], y.shape);
        Assert.Equal([500L, 3], residual.shape);
        Assert.Equal([500L, 3], yAgain.shape);

        // mu ~ N(2, 0.5) and y − mu ~ N(0, 1), within 5 standard errors
        Assert.InRange(mu.mean().item<float>(), 2 - (5 * 0.5 / Math.Sqrt(500)), 2 + (5 * 0.5 / Math.Sqrt(500)));
        Assert.InRange(residual.mean().item<float>(), -5 / Math.Sqrt(1500), 5 / Math.Sqrt(1500));
        Assert.InRange(yAgain.sub(mu).mean().item<float>(), -5 / Math.Sqrt(1500), 5 / Math.Sqrt(1500));
    }
}
