using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using Xunit.Abstractions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>
/// Missing data by <c>obsMask</c> fitted with SVI and an autoguide, against the closed form.
/// Model: x ~ N(0, 1), y_i ~ N(x, 1) for i = 0, 1, 2, with y_0 = y_2 = 7 observed and y_1 missing.
/// The posterior of (x, y_1) is Gaussian with precision [[4, −1], [−1, 1]] (prior 1, two
/// observations 2, the missing entry's link 1) and mean (14/3, 14/3); AutoNormal's mean-field
/// optimum keeps the means and takes the variances 1/Λ_ii = 1/4 and 1.
/// </summary>
[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class ObsMaskPosteriorTests(ITestOutputHelper output)
{
    // made at each use: a static tensor first touched inside an autoguide's prototype scope would die with the guide
    private static Tensor Data => tensor(new[] { 7.0f, 123.0f, 7.0f }); // 123: a placeholder the mask hides

    private static Tensor Observed => tensor(new[] { true, false, true });

    private static Tensor Model(bool _)
    {
        var x = Sample("x", new Normal(0.0f, 1.0f));
        using (Plate("plate", 3))
        {
            return Sample("y", new Normal(x, 1.0), obs: Data, obsMask: Observed);
        }
    }

    [Fact]
    public void AutoNormalRecoversTheMeanFieldPosteriorOfTheMissingEntry()
    {
        using var guide = new AutoNormal<bool>(Model);
        var svi = Fit(guide, store =>
        [
            store["AutoNormal.locs.x"].to(float64).item<double>(),
            store["AutoNormal.scales.x"].to(float64).item<double>(),
            store["AutoNormal.locs.y_unobserved"][1].to(float64).item<double>(),
            store["AutoNormal.scales.y_unobserved"][1].to(float64).item<double>(),
        ], "obsMask, AutoNormal");

        // entries 0 and 2 are observed: the model gives their draws no density, so the guide must
        // not score them either (Pyro's AutoNormal does, and their scales grow without bound to
        // maximize the entropy); they keep their initial scale
        var scales = svi.ParamStore["AutoNormal.scales.y_unobserved"].to(float64).data<double>().ToArray();
        Assert.Equal(guide.InitScale, scales[0], 1e-6);
        Assert.Equal(guide.InitScale, scales[2], 1e-6);
    }

    [Fact]
    public void AutoDiagonalNormalLeavesTheMaskedEntriesOutOfItsPackedDensity()
    {
        // packed latent: x (entry 0), then y_unobserved (entries 1..3); y_1 is entry 2
        using var guide = new AutoDiagonalNormal<bool>(Model);
        var svi = Fit(guide, store =>
        [
            store["AutoDiagonalNormal.loc"][0].to(float64).item<double>(),
            store["AutoDiagonalNormal.scale"][0].to(float64).item<double>(),
            store["AutoDiagonalNormal.loc"][2].to(float64).item<double>(),
            store["AutoDiagonalNormal.scale"][2].to(float64).item<double>(),
        ], "obsMask, AutoDiagonalNormal");

        var scales = svi.ParamStore["AutoDiagonalNormal.scale"].to(float64).data<double>().ToArray();
        Assert.Equal(guide.InitScale, scales[1], 1e-6);
        Assert.Equal(guide.InitScale, scales[3], 1e-6);
    }

    private Svi<bool> Fit(AutoGuide<bool> guide, Func<Ppl.Params.ParamStore, double[]> read, string label)
    {
        using var opt = new Adam(0.01);
        const int particles = 8, record = 500;
        var svi = new Svi<bool>(Model, guide.Guide, opt, new TraceElbo { NumParticles = particles, VectorizeParticles = true }, seed: 3);
        var (fit, se) = StationaryFit.Run(svi, false, () => read(svi.ParamStore), 2500, record);

        double[] truth = [14.0 / 3, 0.5, 14.0 / 3, 1.0];
        var fisher = Matrix<double>.Build.DenseOfDiagonalArray([4, 8, 1, 2]); // N(m, s²) in (m, s): diag(1/s², 2/s²) per coordinate
        var ceiling = AveragedIterateError.Ceilings(t => t, truth, fisher, particles, record);
        StationaryFit.AssertClose(fit, se, ceiling, truth, ["loc x", "scale x", "loc y_1", "scale y_1"], output, label);
        return svi;
    }

    [Fact]
    public void AutoMultivariateNormalRefusesAMaskedLatentSite()
    {
        using var guide = new AutoMultivariateNormal<bool>(Model);
        var e = Assert.Throws<NotSupportedException>(() => guide.Guide(false));
        Assert.Contains("'y_unobserved'", e.Message, StringComparison.Ordinal);
        Assert.Contains("mask", e.Message, StringComparison.Ordinal);
    }
}
