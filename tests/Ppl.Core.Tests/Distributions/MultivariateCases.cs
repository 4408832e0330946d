using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

internal static class MultivariateCases
{
    public static IEnumerable<DistributionCase> All =>
    [
        new("MultivariateNormal(covariance)", (d, t) => MultivariateNormal.FromCovariance(Locs(t).to(d), Covariances(t).to(d))),
        new("MultivariateNormal(precision)", (d, t) => MultivariateNormal.FromPrecision(Locs(t).to(d), Covariances(t)[0].to(d))),
        new("MultivariateNormal(scale_tril)", (d, t) => MultivariateNormal.FromScaleTril(Locs(t)[0].to(d), ScaleTrils(t).to(d))),
        new("LowRankMultivariateNormal", (d, t) => new LowRankMultivariateNormal(Locs(t).to(d), CovFactor(t).to(d), tensor(new[] { 0.5, 1.0, 2.0, 0.1, 0.3, 1.5 }, dtype: t).reshape(2, 3).to(d))),
        new("Dirichlet", (d, t) => new Dirichlet(tensor(new[] { 0.5, 1.0, 2.0, 3.0, 1.5, 0.8, 1.0, 1.0, 1.0, 4.0, 0.7, 2.5 }, dtype: t).reshape(2, 2, 3).to(d))),
        new("MixtureSameFamily(Normal)", (d, t) => new MixtureSameFamily(
            Categorical.FromLogits(tensor(new[] { 0.0, 1.0, -1.0, 2.0, 0.5, 0.0 }, dtype: t).reshape(2, 3).to(d)),
            new Normal(tensor(new[] { -2.0, 0.0, 3.0, 1.0, 1.5, -4.0 }, dtype: t).reshape(2, 3).to(d), tensor(new[] { 0.5, 1.0, 2.0 }, dtype: t).to(d)))),
        new("MixtureSameFamily(MultivariateNormal)", (d, t) => new MixtureSameFamily(
            Categorical.FromProbs(tensor(new[] { 0.3, 0.7 }, dtype: t).to(d)).Expand(2) is Categorical c ? c : throw new InvalidOperationException(),
            MultivariateNormal.FromScaleTril(Locs(t).reshape(1, 2, 3).expand(2, 2, 3).to(d), ScaleTrils(t).to(d)))),
        new("RelaxedBernoulli(probs)", (d, t) => RelaxedBernoulli.FromProbs(tensor(new[] { 0.5, 1.0, 2.0 }, dtype: t).to(d), tensor(new[] { 0.1, 0.5, 0.9, 0.3, 0.6, 0.99 }, dtype: t).reshape(2, 3).to(d))),
        new("RelaxedBernoulli(logits)", (d, t) => RelaxedBernoulli.FromLogits(0.3, linspace(-3, 3, 6, dtype: t).reshape(3, 2).to(d))),
        new("RelaxedOneHotCategorical(probs)", (d, t) => RelaxedOneHotCategorical.FromProbs(tensor(new[] { 0.5, 2.0 }, dtype: t).to(d), tensor(new[] { 0.2, 0.3, 0.5, 0.6, 0.3, 0.1 }, dtype: t).reshape(2, 3).to(d))),
        new("RelaxedOneHotCategorical(logits)", (d, t) => RelaxedOneHotCategorical.FromLogits(0.7, linspace(-2, 2, 8, dtype: t).reshape(2, 4).to(d))),
    ];

    /// <summary>Means for a batch of 2, D = 3.</summary>
    internal static Tensor Locs(ScalarType t) => tensor(new[] { 0.5, -1.0, 2.0, 0.0, 3.0, -0.25 }, dtype: t).reshape(2, 3);

    /// <summary>Two symmetric positive-definite 3×3 matrices A·Aᵀ + I.</summary>
    internal static Tensor Covariances(ScalarType t)
    {
        var a = tensor(new[] { 1.0, 0.3, -0.5, 0.2, 2.0, 0.1, -0.4, 0.7, 0.6, 0.9, -0.2, 0.0, 0.5, 0.4, 0.3, -1.1, 0.8, 1.5 }, dtype: ScalarType.Float64).reshape(2, 3, 3);
        return a.matmul(a.mT).add(eye(3, dtype: ScalarType.Float64)).to(t);
    }

    /// <summary>A rank-2 factor for D = 3.</summary>
    internal static Tensor CovFactor(ScalarType t) => tensor(new[] { 1.0, -0.5, 0.3, 2.0, -1.2, 0.4 }, dtype: t).reshape(3, 2);

    /// <summary>Two lower-triangular 3×3 factors with positive diagonals.</summary>
    internal static Tensor ScaleTrils(ScalarType t) =>
        tensor(new[] { 1.0, 0, 0, 0.5, 2.0, 0, -0.3, 0.4, 0.7, 0.2, 0, 0, 1.5, 1.1, 0, 0.9, -0.6, 3.0 }, dtype: t).reshape(2, 3, 3);
}
