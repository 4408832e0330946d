using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

internal static class DiscreteCases
{
    public static IEnumerable<DistributionCase> All =>
    [
        new("Binomial(probs)", (d, t) => Binomial.FromProbs(tensor(new[] { 5.0, 10.0, 20.0 }, dtype: t).to(d), tensor(new[] { 0.1, 0.5, 0.9, 0.3, 0.0, 1.0 }, dtype: t).reshape(2, 3).to(d)), Discrete: true),
        new("Binomial(logits)", (d, t) => Binomial.FromLogits(8.0, linspace(-2, 2, 6, dtype: t).reshape(2, 3).to(d)), Discrete: true),
        new("Poisson", (d, t) => new Poisson(tensor(new[] { 0.5, 3.0, 10.0, 0.1, 1.0, 40.0 }, dtype: t).reshape(2, 3).to(d)), Discrete: true),
        new("Geometric(probs)", (d, t) => Geometric.FromProbs(tensor(new[] { 0.1, 0.5, 0.9, 0.3, 0.05, 1.0 }, dtype: t).reshape(2, 3).to(d)), Discrete: true),
        new("Geometric(logits)", (d, t) => Geometric.FromLogits(linspace(-2, 2, 6, dtype: t).reshape(3, 2).to(d)), Discrete: true),
        new("NegativeBinomial(probs)", (d, t) => NegativeBinomial.FromProbs(tensor(new[] { 1.0, 2.5, 10.0, 0.5, 4.0, 7.0 }, dtype: t).reshape(2, 3).to(d), tensor(new[] { 0.2, 0.5, 0.8 }, dtype: t).to(d)), Discrete: true),
        new("NegativeBinomial(logits)", (d, t) => NegativeBinomial.FromLogits(3.0, linspace(-1, 1, 6, dtype: t).reshape(2, 3).to(d)), Discrete: true),
    ];
}
