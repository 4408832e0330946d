using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using Ppl.Inference;
using TorchSharp;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.AbortProbe;

/// <summary>
/// Ppl entry points a user can reach with bad input that (before the checks) went on to a
/// product binding, and inference runs of a model written with <c>x.matmul(w)</c>. None may abort:
/// the bad inputs must throw <see cref="ArgumentException"/>, the inference runs must complete.
/// </summary>
internal static class PplProbes
{
    private static readonly Device Meta = new(DeviceType.META);

    public static IReadOnlyList<Probe> All { get; } =
    [
        new("ppl.mvn.shape", "MultivariateNormal.FromCovariance", "loc [3], covariance [2, 2]", () => MultivariateNormal.FromCovariance(M(3), Eye(2)), Expectation.ArgumentException),
        new("ppl.mvn.batch", "MultivariateNormal.FromScaleTril", "loc [4, 3], scaleTril [5, 3, 3]", () => MultivariateNormal.FromScaleTril(M(4, 3), Eye(3).expand(5, 3, 3)), Expectation.ArgumentException),
        new("ppl.mvn.dtype", "MultivariateNormal.FromScaleTril(...).Sample", "loc float64 [3], scaleTril float32 [3, 3]", () => MultivariateNormal.FromScaleTril(M(3), Eye(3).to(float32)).Sample(), Expectation.ArgumentException),
        new("ppl.mvn.device", "MultivariateNormal.FromScaleTril(...).Sample", "loc on meta, scaleTril on the CPU", () => MultivariateNormal.FromScaleTril(M(3).to(Meta), Eye(3)).Sample(), Expectation.ArgumentException),
        new("ppl.mvn.value", "MultivariateNormal.LogProb", "value [2] for D = 3", () => MultivariateNormal.FromScaleTril(M(3), Eye(3)).LogProb(M(2))),
        new("ppl.lowrank.shape", "LowRankMultivariateNormal", "loc [3], covFactor [2, 2], covDiag [3]", () => new LowRankMultivariateNormal(M(3), M(2, 2), M(3)), Expectation.ArgumentException),
        new("ppl.lowrank.batch", "LowRankMultivariateNormal", "loc [4, 3], covFactor [5, 3, 2], covDiag [3]", () => new LowRankMultivariateNormal(M(4, 3), M(5, 3, 2), M(3)), Expectation.ArgumentException),
        new("ppl.lowrank.dtype", "LowRankMultivariateNormal(...).Sample", "loc float64 [3], covFactor float32 [3, 2]", () => new LowRankMultivariateNormal(M(3), M(3, 2).to(float32), M(3)).Sample(), Expectation.ArgumentException),
        new("ppl.lowercholesky.row", "LowerCholeskyTransform.Inverse", "y [1, 3] (not square)", () => LowerCholeskyTransform.Instance.Inverse(M(1, 3)), Expectation.ArgumentException),
        new("ppl.lowercholesky.column", "LowerCholeskyTransform.Inverse", "y [3, 1] (not square)", () => LowerCholeskyTransform.Instance.Inverse(M(3, 1)), Expectation.ArgumentException),
        new("ppl.lowercholesky.packed", "LowerCholeskyTransform.Forward", "x [4] (not n(n+1)/2)", () => LowerCholeskyTransform.Instance.Forward(M(4)), Expectation.ArgumentException),
        new("ppl.choleskyouter.rect", "CholeskyOuterProductTransform.Forward", "x [2, 3] (not square)", () => CholeskyOuterProductTransform.Instance.Forward(M(2, 3)), Expectation.ArgumentException),
        new("ppl.choleskyouter.vector", "CholeskyOuterProductTransform.Forward", "x [3] (1-D)", () => CholeskyOuterProductTransform.Instance.Forward(M(3)), Expectation.ArgumentException),
        new("ppl.elbo.default", "TraceElbo { NumParticles = 4 }.Loss", "model with x.matmul(w), default settings", () =>
        {
            var elbo = new TraceElbo { NumParticles = 4 };
            double loss = elbo.Loss(MatMulModel, PriorGuide, M(10, 3));
            return $"a {(double.IsFinite(loss) ? "finite" : "non-finite")} loss, particles {(elbo.LastRunVectorized ? "vectorized" : "sequential")}";
        }, Expectation.Returns),
        new("ppl.predictive.default", "Predictive.Sample", "model with x.matmul(w), default settings", () => new Predictive<Tensor>(MatMulModel, PriorGuide, 4).Sample(M(10, 3))["y"], Expectation.Returns),
        new("ppl.importance.default", "Importance.Run", "model with x.matmul(w), default settings", () =>
        {
            using var result = new Importance<Tensor>(MatMulModel, null, 4).Run(M(10, 3));
            return result.LogWeights.alias();
        }, Expectation.Returns),
    ];

    /// <summary>A float64 tensor of ones with the given shape.</summary>
    private static Tensor M(params long[] shape) => ones(shape, dtype: float64);

    private static Tensor Eye(long n) => eye(n, dtype: float64);

    /// <summary>Regression written the way that breaks under vectorization: y ~ N(x·w, 1) per row.</summary>
    private static object? MatMulModel(Tensor x)
    {
        var w = Sample("w", new Normal(zeros(x.shape[1], dtype: x.dtype), 1.0).ToEvent(1));
        using var rows = Plate("data", x.shape[0]);
#pragma warning disable PPL0002 // the point of the probe: Ppl must never vectorize this model unasked
        return Sample("y", new Normal(x.matmul(w), 1.0), obs: zeros(x.shape[0], dtype: x.dtype));
#pragma warning restore PPL0002
    }

    private static object? PriorGuide(Tensor x) =>
        Sample("w", new Normal(zeros(x.shape[1], dtype: x.dtype), 1.0).ToEvent(1));
}
