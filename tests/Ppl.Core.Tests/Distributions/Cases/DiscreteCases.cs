using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

internal static class DiscreteCases
{
    public static IEnumerable<DistributionCase> All => [];
}
