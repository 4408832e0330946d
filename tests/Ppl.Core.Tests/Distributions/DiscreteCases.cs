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
        new("Multinomial(probs)", (d, t) => Multinomial.FromProbs(10, tensor(new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.0, 0.25, 0.25, 0.9, 0.05, 0.05, 0.0 }, dtype: t).reshape(3, 4).to(d)), Discrete: true),
        new("Multinomial(logits)", (d, t) => Multinomial.FromLogits(5, linspace(-1, 1, 8, dtype: t).reshape(2, 4).to(d)), Discrete: true),
        new("OneHotCategorical(probs)", (d, t) => OneHotCategorical.FromProbs(tensor(new[] { 0.2, 0.3, 0.5, 0.6, 0.4, 0.0 }, dtype: t).reshape(2, 3).to(d)), Discrete: true),
        new("OrderedLogistic", (d, t) => new OrderedLogistic(tensor(new[] { -1.0, 0.0, 2.5, 0.3, -0.2, 1.0 }, dtype: t).reshape(2, 3).to(d), tensor(new[] { -0.5, 0.5, 1.5 }, dtype: t).to(d)), Discrete: true),
        new("ExcisedCategorical", (d, t) => ExcisedCategorical.FromLogits(linspace(-2, 2, 24, dtype: t).reshape(2, 3, 4).to(d), [(tensor(new long[] { 0, 1, 2 }).to(d), tensor(new long[] { 1, 1, 3 }).to(d))]), Discrete: true),
        new("OneHotCategorical(logits)", (d, t) => OneHotCategorical.FromLogits(linspace(-2, 2, 12, dtype: t).reshape(2, 3, 2).to(d)), Discrete: true),
    ];
}
