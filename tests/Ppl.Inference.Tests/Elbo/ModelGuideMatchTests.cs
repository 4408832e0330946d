using Ppl.Distributions;
using Ppl.Inference;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Elbo;

/// <summary>A guide may only draw what the model leaves latent.</summary>
[Collection("Sequential")]
public sealed class ModelGuideMatchTests
{
    private static Tensor Model(Tensor y)
    {
        var mu = Sample("mu", new Normal(tensor(0.0), 1.0));
        return Sample("y", new Normal(mu, 1.0), obs: y);
    }

    // draws "y" too: the model observes it, so the draw is never scored and the loss is wrong
    private static Tensor GuideDrawingAnObservation(Tensor y)
    {
        var mu = Sample("mu", new Normal(Param("loc", tensor(0.0)), 1.0));
        return Sample("y", new Normal(mu, 1.0));
    }

    public static TheoryData<string> Estimators => ["TraceElbo", "TraceMeanFieldElbo", "TraceGraphElbo", "RenyiElbo"];

    private static Ppl.Inference.Elbo Make(string name) => name switch
    {
        "TraceElbo" => new TraceElbo(),
        "TraceMeanFieldElbo" => new TraceMeanFieldElbo(),
        "TraceGraphElbo" => new TraceGraphElbo(),
        _ => new RenyiElbo(0.5) { NumParticles = 2 },
    };

    [Theory]
    [MemberData(nameof(Estimators))]
    public void AGuideThatDrawsAnObservedSiteIsAnError(string estimator)
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<InvalidOperationException>(() => Make(estimator).Loss(Model, GuideDrawingAnObservation, tensor(0.5)));
        Assert.Contains("'y'", e.Message, StringComparison.Ordinal);
        Assert.Contains("observes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnImportanceProposalThatDrawsAnObservedSiteIsAnError()
    {
        using var scope = NewDisposeScope();
        var importance = new Importance<Tensor>(Model, GuideDrawingAnObservation, numSamples: 4);
        var e = Assert.Throws<InvalidOperationException>(() => importance.Run(tensor(0.5)));
        Assert.Contains("'y'", e.Message, StringComparison.Ordinal);
    }
}
