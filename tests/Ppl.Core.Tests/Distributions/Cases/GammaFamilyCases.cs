using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

internal static class GammaFamilyCases
{
    public static IEnumerable<DistributionCase> All => [];
}
