using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

internal static class MultivariateCases
{
    public static IEnumerable<DistributionCase> All => [];
}
