using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using Xunit.Abstractions;
using static Ppl.Testing.ConjugateModels.FourFamilies;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>
/// AutoNormal on Beta–Bernoulli fits a logit-normal, which cannot equal the Beta posterior; its
/// target is the best logit-normal, found independently by quadrature and Nelder–Mead. The test
/// also reports how far that fit's mean is from the exact posterior mean.
/// </summary>
[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class AutoNormalBetaBernoulliTests(ITestOutputHelper output)
{
    [Fact]
    public void AutoNormalConvergesToTheBestLogitNormal()
    {
        using var flips = tensor(Flips.Select(v => (float)v).ToArray());
        using var guide = new AutoNormal<Tensor>(BetaModel);
        using var opt = new Adam(0.01);
        var svi = new Svi<Tensor>(BetaModel, guide.Guide, opt, new TraceElbo { NumParticles = 16, VectorizeParticles = true }, seed: 5);
        double Read(string name) => svi.ParamStore[name].to(float64).item<double>();
        const int record = 500;
        var (fit, se) = StationaryFit.Run(svi, flips, () => [Read("AutoNormal.locs.p"), Read("AutoNormal.scales.p")], 3000, record);

        var (a, b) = BetaPosterior();
        double heads = Flips.Sum(), tails = Flips.Length - heads;
        static double Sigmoid(double u) => 1 / (1 + Math.Exp(-u));
        var (m, s) = VariationalOptimum.Fit(
            p => ((1 + heads) * Math.Log(p)) + ((1 + tails) * Math.Log(1 - p)), // Beta(2, 2) prior × Bernoulli likelihood
            Sigmoid,
            u => Math.Log(Sigmoid(u)) + Math.Log(1 - Sigmoid(u)),
            (0.5, 0.5));

        // the logit-normal family does not hold the Beta posterior, so C = H = I is an approximation
        // here: the Normal's Fisher information in (m, s), diag(1/s², 2/s²), stands for both
        var fisher = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfDiagonalArray([1 / (s * s), 2 / (s * s)]);
        var ceiling = AveragedIterateError.Ceilings(t => t, [m, s], fisher, 16, record);
        StationaryFit.AssertClose(fit, se, ceiling, [m, s], ["loc", "scale"], output, "Beta–Bernoulli, AutoNormal");
        output.WriteLine($"posterior median of the fit {Sigmoid(fit[0]):G5} vs exact Beta median {MathNet.Numerics.Distributions.Beta.InvCDF(a, b, 0.5):G5}");
    }
}
