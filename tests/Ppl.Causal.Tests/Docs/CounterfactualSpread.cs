using Ppl.Causal;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace MyModels;

public static class CounterfactualSpread
{
    // the SCM of "The model" above
    public static object? Scm(bool _)
    {
        var u = Sample("u", new Normal(zeros(1, dtype: float64).squeeze(0), 1.0));
        var x = Sample("x", new Normal(u, 1.0));
        var y = Sample("y", new Normal(x.mul(2).sub(u.mul(1.5)), 0.5));
        return Sample("z", new Normal(y.mul(0.7), 0.3));
    }

    public static (CausalEstimate Cf, double Variance, double[] Quantiles) WhatIf()
    {
        var evidence = new Dictionary<string, Tensor> { ["x"] = tensor(0.8, dtype: float64), ["z"] = tensor(1.1, dtype: float64) };
        var whatIf = new Dictionary<string, Intervention> { ["x"] = -1.0 };
        var cf = CausalQueries.Counterfactual<bool>(Scm, false, evidence, whatIf, "y", draws: 100_000, seed: 1);
        Console.WriteLine(cf); // mean ± standard error, then the spread across the weighted draws

        double variance = cf.Variance;                     // Var[Y had X been −1 | x, z]: 0.1620 exactly
        double[] quantiles = cf.Quantiles(0.05, 0.5, 0.95); // exactly −2.758, −2.096, −1.434
        return (cf, variance, quantiles);
    }
}
