using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Optim;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

[Collection("Sequential")]
public sealed class SviSmokeTests
{
    private static readonly double[] Data = [0.8, 1.9, 1.2, 0.4, 1.6, 1.1, 2.2, 0.9];

    private static Tensor Model(Tensor x)
    {
        var mu = Sample("mu", new Normal(0.0, 1.0));
        using var data = Plate("data", x.shape[0]);
        Sample("x", new Normal(mu, 1.0), obs: x);
        return mu;
    }

    private static Tensor Guide(Tensor x)
    {
        var loc = Param("loc", () => tensor(0.0f));
        var scale = Param("scale", () => tensor(1.0f), Constraints.Positive);
        return Sample("mu", new Normal(loc, scale));
    }

    [Fact]
    public void NormalNormalPosteriorIsRecovered()
    {
        using var x = tensor(Data.Select(v => (float)v).ToArray());
        using var opt = new Adam(0.02);
        var svi = new Svi<Tensor>(Model, Guide, opt, new TraceElbo { NumParticles = 8, VectorizeParticles = true }, seed: 1);
        var losses = svi.Fit(x, 3000);
        double n = Data.Length;
        double postMean = Data.Sum() / (n + 1), postSd = Math.Sqrt(1 / (n + 1));
        Assert.Equal(postMean, svi.ParamStore["loc"].item<float>(), 0.05);
        Assert.Equal(postSd, svi.ParamStore["scale"].item<float>(), 0.05);
        Assert.True(svi.Loss.LastRunVectorized);
        Assert.True(losses.All(double.IsFinite));
    }
}
