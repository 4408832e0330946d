using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

internal static class ExistingCases
{
    public static IEnumerable<DistributionCase> All =>
    [
        new("Normal", (d, t) => new Normal(linspace(-1, 1, 6, dtype: t).reshape(2, 3).to(d), linspace(0.5, 2, 3, dtype: t).to(d))),
        new("Bernoulli(probs)", (d, t) => Bernoulli.FromProbs(tensor(new[] { 0.1, 0.5, 0.9 }, dtype: t).to(d)), Discrete: true),
        new("Bernoulli(logits)", (d, t) => Bernoulli.FromLogits(linspace(-3, 3, 6, dtype: t).reshape(3, 2).to(d)), Discrete: true),
        new("Categorical(probs)", (d, t) => Categorical.FromProbs(tensor(new[] { 0.2, 0.3, 0.5, 0.6, 0.3, 0.1 }, dtype: t).reshape(2, 3).to(d)), Discrete: true),
        new("Categorical(logits)", (d, t) => Categorical.FromLogits(linspace(-2, 2, 8, dtype: t).reshape(2, 4).to(d)), Discrete: true),
        new("Delta", (d, t) => new Delta(linspace(0, 1, 6, dtype: t).reshape(2, 3).to(d), eventDim: 1)),
        new("Unit", (d, t) => new Unit(linspace(-1, 1, 6, dtype: t).reshape(2, 3).to(d))),
        new("Independent(Normal)", (d, t) => new Normal(zeros(2, 3, dtype: t).to(d), ones(2, 3, dtype: t).to(d)).ToEvent(1)),
        new("Masked(Normal)", (d, t) => new Normal(zeros(2, 3, dtype: t).to(d), 1.0).Mask(tensor(new[] { true, false, true }).to(d))),
        new("Expanded(Normal)", (d, t) => new ExpandedDistribution(new Normal(zeros(1, 3, dtype: t).to(d), ones(1, 3, dtype: t).to(d)), [4, 2, 3])),
    ];
}
