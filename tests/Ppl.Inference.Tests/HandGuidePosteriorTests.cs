using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Optim;
using Xunit.Abstractions;
using static Ppl.Primitives;
using static Ppl.Testing.ConjugateModels.FourFamilies;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>
/// SVI with hand-written guides from the exact posterior's family: the ELBO optimum is the exact
/// posterior, so the fitted parameters must match the closed form within the stationary tolerance.
/// </summary>
[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class HandGuidePosteriorTests(ITestOutputHelper output)
{
    // concentration parameters sit on a nearly flat ridge of the ELBO (many (a, b) give almost the
    // same law), so the posterior is compared through its mean and standard deviation
    private static double[] BetaMoments(double a, double b) => [a / (a + b), Math.Sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)))];

    private static double[] GammaMoments(double shape, double rate) => [shape / rate, Math.Sqrt(shape) / rate];

    private const int Record = 500;

    private static double Value(Svi<Tensor> svi, string name) => svi.ParamStore[name].to(float64).item<double>();

    [Fact]
    public void NormalNormal()
    {
        using var x = tensor(NormalData.Select(v => (float)v).ToArray());
        Tensor Guide(Tensor _) => Sample("mu", new Normal(Param("loc", () => tensor(0.0f)), Param("scale", () => tensor(1.0f), Constraints.Positive)));
        using var opt = new Adam(0.01);
        var svi = new Svi<Tensor>(NormalModel, Guide, opt, new TraceElbo { NumParticles = 8, VectorizeParticles = true }, seed: 1);
        var (fit, se) = StationaryFit.Run(svi, x, () => [Value(svi, "loc"), Value(svi, "scale")], 2500, Record);
        var (mean, sd) = NormalPosterior();

        // Fisher information of N(m, s²) in (m, s): diag(1/s², 2/s²)
        var fisher = Matrix<double>.Build.DenseOfDiagonalArray([1 / (sd * sd), 2 / (sd * sd)]);
        var ceiling = AveragedIterateError.Ceilings(t => t, [mean, sd], fisher, 8, Record);
        StationaryFit.AssertClose(fit, se, ceiling, [mean, sd], ["mean", "sd"], output, "Normal–Normal, Normal guide");
    }

    [Fact]
    public void BetaBernoulli()
    {
        using var flips = tensor(Flips.Select(v => (float)v).ToArray());
        Tensor Guide(Tensor _) => Sample("p", new Beta(Param("a", () => tensor(1.0f), Constraints.Positive), Param("b", () => tensor(1.0f), Constraints.Positive)));
        using var opt = new Adam(0.02);
        var svi = new Svi<Tensor>(BetaModel, Guide, opt, new TraceElbo { NumParticles = 16, VectorizeParticles = true }, seed: 2);
        var (fit, se) = StationaryFit.Run(svi, flips, () => BetaMoments(Value(svi, "a"), Value(svi, "b")), 4000, Record);
        var (a, b) = BetaPosterior();
        var ceiling = AveragedIterateError.Ceilings(t => BetaMoments(t[0], t[1]), [a, b], AveragedIterateError.BetaFisher(a, b), 16, Record);
        StationaryFit.AssertClose(fit, se, ceiling, BetaMoments(a, b), ["mean", "sd"], output, "Beta–Bernoulli, Beta guide");
    }

    [Fact]
    public void GammaPoisson()
    {
        using var counts = tensor(Counts.Select(v => (float)v).ToArray());
        Tensor Guide(Tensor _) => Sample("rate", new Gamma(Param("shape", () => tensor(1.0f), Constraints.Positive), Param("rate_q", () => tensor(1.0f), Constraints.Positive)));
        using var opt = new Adam(0.02);
        var svi = new Svi<Tensor>(GammaModel, Guide, opt, new TraceElbo { NumParticles = 64, VectorizeParticles = true }, seed: 3);
        var (fit, se) = StationaryFit.Run(svi, counts, () => GammaMoments(Value(svi, "shape"), Value(svi, "rate_q")), 4000, Record);
        var (shape, rate) = GammaPosterior();
        var ceiling = AveragedIterateError.Ceilings(t => GammaMoments(t[0], t[1]), [shape, rate], AveragedIterateError.GammaFisher(shape, rate), 64, Record);
        StationaryFit.AssertClose(fit, se, ceiling, GammaMoments(shape, rate), ["mean", "sd"], output, "Gamma–Poisson, Gamma guide");
    }

    [Fact]
    public void BayesianLinearRegressionWithAFullCovarianceGuide()
    {
        var data = RegressionData();
        Tensor Guide(Regression _)
        {
            var loc = Param("loc", () => zeros(3));
            var tril = Param("tril", () => eye(3).mul(0.1f), Constraints.LowerCholesky);
            return Sample("w", MultivariateNormal.FromScaleTril(loc, tril));
        }

        using var opt = new Adam(0.01);
        var svi = new Svi<Regression>(RegressionModel, Guide, opt, new TraceElbo { NumParticles = 8, VectorizeParticles = true }, seed: 4);
        double[] Read()
        {
            using var scope = NewDisposeScope();
            var loc = svi.ParamStore["loc"].to(float64);
            var l = svi.ParamStore["tril"].to(float64);
            var cov = l.matmul(l.mT);
            return [.. loc.data<double>(), .. cov.flatten().data<double>()];
        }

        var (fit, se) = StationaryFit.Run(svi, data, Read, 3000, Record);
        var (mean, covariance) = RegressionPosterior(data);
        double[] truth = [.. mean, .. covariance.ToRowMajorArray()];
        string[] names = ["μ₀", "μ₁", "μ₂", .. Enumerable.Range(0, 9).Select(i => $"Σ[{i / 3},{i % 3}]")];

        // the maximum-likelihood fit of N(μ, Σ) to n draws: Var μ̂ᵢ = Σᵢᵢ/n, Var Σ̂ᵢⱼ = (ΣᵢᵢΣⱼⱼ + Σᵢⱼ²)/n
        double n = 8.0 * Record;
        double[] ceiling =
        [
            .. Enumerable.Range(0, 3).Select(i => AveragedIterateError.Headroom * Math.Sqrt(covariance[i, i] / n)),
            .. Enumerable.Range(0, 9).Select(k => AveragedIterateError.Headroom * Math.Sqrt(((covariance[k / 3, k / 3] * covariance[k % 3, k % 3]) + (covariance[k / 3, k % 3] * covariance[k / 3, k % 3])) / n)),
        ];
        StationaryFit.AssertClose(fit, se, ceiling, truth, names, output, "regression, MVN guide");
    }
}
