using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

internal static class GammaFamilyCases
{
    public static IEnumerable<DistributionCase> All =>
    [
        new("Gamma", (d, t) => new Gamma(linspace(0.5, 3, 6, dtype: t).reshape(2, 3).to(d), linspace(0.5, 2, 3, dtype: t).to(d))),
    ];
}
