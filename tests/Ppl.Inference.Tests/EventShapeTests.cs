using Ppl.Distributions;
using Ppl.Inference;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>Sites with event dims and no plate of their own get the plate's 1 between the sample dim and their event dims, in both modes.</summary>
[Collection("Sequential")]
public sealed class EventShapeTests
{
    // z: a 2-vector (event dim 1) outside the plate; y_i ~ N(z₀ + z₁, 1) inside it
    private static Tensor Model(Tensor x)
    {
        var z = Sample("z", new Normal(zeros(2, dtype: x.dtype, device: x.device), 1.0).ToEvent(1));
        var total = Deterministic("total", z.sum(-1));
        using var data = Plate("data", x.shape[0]);
        return Sample("y", new Normal(total, 1.0));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PosteriorSamplesWithEventDims(bool parallel)
    {
        using var scope = NewDisposeScope();
        var z = tensor(new float[,] { { 1, 2 }, { -4, 0.5f }, { 10, 10 } });
        var samples = new Dictionary<string, Tensor> { ["z"] = z };
        const int size = 300;
        var draws = new Predictive<Tensor>(Model, samples, parallel: parallel).Sample(zeros(size), seed: 1);
        Assert.Equal([3L, 1], draws["total"].shape);
        Assert.Equal([3L, size], draws["y"].shape);
        Assert.True(draws["total"].squeeze(1).allclose(z.sum(-1)));
        var means = draws["y"].mean([1L]);
        Assert.True(means.sub(z.sum(-1)).abs().max().item<float>() < 5 / Math.Sqrt(size));
    }

    [Fact]
    public void PriorDrawsWithEventDimsInParallel()
    {
        using var scope = NewDisposeScope();
        var draws = new Predictive<Tensor>(Model, new Dictionary<string, Tensor>(), numSamples: 4, returnSites: ["z", "y"], parallel: true).Sample(zeros(5));
        Assert.Equal([4L, 1, 2], draws["z"].shape);
        Assert.Equal([4L, 5], draws["y"].shape);
    }
}
