using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

internal static class DiscreteCases
{
    public static IEnumerable<DistributionCase> All =>
    [
        new("Binomial(probs)", (d, t) => Binomial.FromProbs(tensor(new[] { 5.0, 10.0, 20.0 }, dtype: t).to(d), tensor(new[] { 0.1, 0.5, 0.9, 0.3, 0.0, 1.0 }, dtype: t).reshape(2, 3).to(d)), Discrete: true),
        new("Binomial(logits)", (d, t) => Binomial.FromLogits(8.0, linspace(-2, 2, 6, dtype: t).reshape(2, 3).to(d)), Discrete: true),
    ];
}
