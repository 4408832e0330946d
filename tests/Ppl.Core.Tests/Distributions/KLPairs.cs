using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>(p, q) pairs with registered closed forms, built in float64 with batch shapes that broadcast.</summary>
internal static class KLPairs
{
    private static Tensor T(params double[] values) => tensor(values, dtype: float64);

    public static Dictionary<string, Func<(Distribution P, Distribution Q)>> All { get; } = new()
    {
        ["Normal-Normal"] = () => (new Normal(T(0.0, 1.0, -2.0), T(1.0, 0.5, 2.0)), new Normal(T(0.5, 0.0, -1.0), T(2.0, 1.0, 1.5))),
        ["Independent(Normal)-Independent(Normal)"] = () => (
            new Normal(T(0.0, 1.0, -2.0, 0.3).reshape(2, 2), T(1.0, 0.5, 2.0, 0.7).reshape(2, 2)).ToEvent(1),
            new Normal(T(0.5, 0.0, -1.0, 0.0).reshape(2, 2), T(2.0, 1.0, 1.5, 1.0).reshape(2, 2)).ToEvent(1)),
        ["Expanded(Normal)-Normal"] = () => (new Normal(T(0.2), T(0.8)).Expand(3), new Normal(T(0.0, 1.0, 2.0), T(1.0, 1.0, 3.0))),
        ["Bernoulli-Bernoulli"] = () => (Bernoulli.FromProbs(T(0.1, 0.5, 0.9)), Bernoulli.FromLogits(T(0.3, -2.0, 1.0))),
        ["Categorical-Categorical"] = () => (
            Categorical.FromProbs(T(0.2, 0.3, 0.5, 0.7, 0.2, 0.1).reshape(2, 3)),
            Categorical.FromLogits(T(0.0, 1.0, -1.0, 0.5, 0.5, 0.0).reshape(2, 3))),
        ["Gamma-Gamma"] = () => (new Gamma(T(0.5, 2.0, 5.0), T(1.0, 0.5, 3.0)), new Gamma(T(1.0, 3.0, 4.0), T(2.0, 0.5, 1.0))),
        ["Beta-Beta"] = () => (new Beta(T(0.7, 2.0, 5.0), T(1.5, 2.0, 0.8)), new Beta(T(1.0, 3.0, 4.0), T(2.0, 0.5, 1.0))),
        ["Dirichlet-Dirichlet"] = () => (new Dirichlet(T(0.7, 2.0, 5.0, 1.0, 1.0, 1.0).reshape(2, 3)), new Dirichlet(T(1.0, 3.0, 4.0, 0.5, 2.0, 1.5).reshape(2, 3))),
        ["MultivariateNormal-MultivariateNormal"] = () => (
            MultivariateNormal.FromCovariance(T(0.0, 1.0, -1.0, 0.5, 0.5, 0.0).reshape(2, 3), T(2.0, 0.5, 0.2, 0.5, 1.0, 0.3, 0.2, 0.3, 1.5).reshape(3, 3)),
            MultivariateNormal.FromScaleTril(T(1.0, 0.0, 0.0), T(1.5, 0.0, 0.0, 0.4, 0.8, 0.0, -0.3, 0.2, 1.1).reshape(3, 3))),
        ["Independent(Gamma)-Independent(Gamma)"] = () => (new Gamma(T(0.5, 2.0, 5.0, 1.0), T(1.0, 0.5, 3.0, 2.0)).ToEvent(1), new Gamma(T(1.0, 3.0, 4.0, 1.5), T(2.0, 0.5, 1.0, 1.0)).ToEvent(1)),
        ["Delta-Normal"] = () => (new Delta(T(0.3, -1.0)), new Normal(T(0.0, 1.0), T(2.0, 0.5))),
    };
}
