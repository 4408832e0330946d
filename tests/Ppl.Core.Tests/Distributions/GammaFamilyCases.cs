using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

internal static class GammaFamilyCases
{
    public static IEnumerable<DistributionCase> All =>
    [
        new("Gamma", (d, t) => new Gamma(linspace(0.5, 3, 6, dtype: t).reshape(2, 3).to(d), linspace(0.5, 2, 3, dtype: t).to(d))),
        new("InverseGamma", (d, t) => new InverseGamma(linspace(0.5, 4, 6, dtype: t).reshape(3, 2).to(d), linspace(0.5, 2, 2, dtype: t).to(d))),
        new("Chi2", (d, t) => new Chi2(linspace(0.5, 6, 6, dtype: t).reshape(2, 3).to(d))),
        new("Beta", (d, t) => new Beta(linspace(0.3, 4, 6, dtype: t).reshape(2, 3).to(d), linspace(0.5, 2, 3, dtype: t).to(d))),
        new("StudentT", (d, t) => new StudentT(linspace(0.8, 8, 6, dtype: t).reshape(2, 3).to(d), linspace(-1, 1, 3, dtype: t).to(d), linspace(0.5, 2, 3, dtype: t).to(d))),
    ];
}
