using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

internal static class ContinuousCases
{
    public static IEnumerable<DistributionCase> All =>
    [
        new("Cauchy", (d, t) => new Cauchy(linspace(-1, 1, 6, dtype: t).reshape(2, 3).to(d), linspace(0.5, 2, 3, dtype: t).to(d))),
        new("HalfCauchy", (d, t) => new HalfCauchy(linspace(0.5, 3, 6, dtype: t).reshape(2, 3).to(d))),
        new("HalfNormal", (d, t) => new HalfNormal(linspace(0.2, 2, 6, dtype: t).reshape(3, 2).to(d))),
        new("LogNormal", (d, t) => new LogNormal(linspace(-1, 1, 6, dtype: t).reshape(2, 3).to(d), linspace(0.3, 1.5, 3, dtype: t).to(d))),
        new("Laplace", (d, t) => new Laplace(linspace(-2, 2, 6, dtype: t).reshape(2, 3).to(d), linspace(0.5, 2, 3, dtype: t).to(d))),
        new("Uniform", (d, t) => new Uniform(linspace(-1, 1, 6, dtype: t).reshape(2, 3).to(d), linspace(1.5, 4, 6, dtype: t).reshape(2, 3).to(d))),
        new("Exponential", (d, t) => new Exponential(linspace(0.2, 5, 6, dtype: t).reshape(2, 3).to(d))),
        new("Gumbel", (d, t) => new Gumbel(linspace(-1, 1, 6, dtype: t).reshape(2, 3).to(d), linspace(0.5, 2, 3, dtype: t).to(d))),
        new("FoldedDistribution", (d, t) => new FoldedDistribution(new Normal(linspace(-1, 1, 6, dtype: t).reshape(2, 3).to(d), linspace(0.5, 2, 3, dtype: t).to(d)))),
        new("ExcisedNormal", (d, t) => new ExcisedNormal(linspace(-1, 1, 6, dtype: t).reshape(2, 3).to(d), linspace(0.5, 2, 3, dtype: t).to(d), [(tensor(-0.5, dtype: t).to(d), tensor(0.25, dtype: t).to(d)), (linspace(0.5, 1.5, 3, dtype: t).to(d), linspace(1, 3, 3, dtype: t).to(d))])),
        new("Weibull", (d, t) => new Weibull(linspace(0.5, 3, 6, dtype: t).reshape(2, 3).to(d), linspace(0.5, 4, 3, dtype: t).to(d))),
    ];
}
