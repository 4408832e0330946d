using Ppl.Causal;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.LinearScm;

/// <summary>
/// The three kinds of causal query on one structural causal model, each against its closed form:
/// U ~ N(0,1), X ~ N(U, 1), Y ~ N(2X − 1.5U, 0.5), Z ~ N(0.7Y, 0.3). U confounds X and Y.
/// </summary>
public sealed class CausalQueriesExample : IExample
{
    /// <inheritdoc />
    public string Name => "causal-queries";

    /// <inheritdoc />
    public string Description => "Interventional, backdoor and counterfactual queries on a linear SCM, against closed forms";

    /// <summary>The SCM as a Ppl program: each site is an additive-noise mechanism of its parents.</summary>
    public static object? Scm(bool _)
    {
        var u = Sample("u", new Normal(zeros(1, dtype: float64).squeeze(0), 1.0));
        var x = Sample("x", new Normal(u, 1.0));
        var y = Sample("y", new Normal(x.mul(2).sub(u.mul(1.5)), 0.5));
        return Sample("z", new Normal(y.mul(0.7), 0.3));
    }

    /// <inheritdoc />
    public ExampleResult Run(ExampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        int draws = options.Smoke ? 4_000 : 100_000;
        using var scope = NewDisposeScope();

        // 1. interventional: E[Z | do(X = 1)] = 0.7 · 2 · 1 = 1.4
        var doX = new Dictionary<string, Intervention> { ["x"] = 1.0 };
        var interventional = CausalQueries.Interventional<bool>(Scm, false, doX, "z", draws, options.Seed);

        // the same number without intervening: adjust for the confounder U (backdoor)
        var backdoor = CausalQueries.Backdoor<bool>(Scm, false, "x", tensor(1.0, dtype: float64), ["u"], "z", draws / 10, innerDraws: 64, seed: options.Seed);

        // the average effect of X = 1 vs X = 0 on Z: 1.4 for every unit
        var ate = CausalQueries.Ate<bool>(Scm, false, "x", 1.0, 0.0, "z", draws, options.Seed);

        // 2. counterfactual: we saw X = 0.8 and Z = 1.1; had X been −1, what would Y have been?
        var evidence = new Dictionary<string, Tensor> { ["x"] = tensor(0.8, dtype: float64), ["z"] = tensor(1.1, dtype: float64) };
        var whatIf = new Dictionary<string, Intervention> { ["x"] = -1.0 };
        var counterfactual = CausalQueries.Counterfactual<bool>(Scm, false, evidence, whatIf, "y", draws, options.Seed);

        // the same in Pearl's three steps: abduct once, then act and predict
        using var noise = AbductionActionPrediction.AbductByImportance<bool>(Scm, false, evidence, draws, options.Seed);
        var threeSteps = AbductionActionPrediction.Predict<bool>(noise, Scm, false, whatIf, "y");

        double exactCounterfactual = ExactCounterfactual(0.8, 1.1, -1.0);
        output.WriteLine($"Draws: {draws:N0} (seed {options.Seed})");
        output.WriteLine();
        output.WriteLine("| query                                     | estimate | std. error |    exact |");
        output.WriteLine("|-------------------------------------------|---------:|-----------:|---------:|");
        Row(output, "E[Z | do(X=1)] by simulation", interventional, 1.4);
        Row(output, "E[Z | do(X=1)] by backdoor on {U}", backdoor, 1.4);
        Row(output, "ATE of X=1 vs X=0 on Z (paired worlds)", ate, 1.4);
        Row(output, "E[Y_{X=-1} | X=0.8, Z=1.1] (twin world)", counterfactual, exactCounterfactual);
        Row(output, "  the same by abduction-action-prediction", threeSteps, exactCounterfactual);

        // a counterfactual is a distribution: its spread comes with the estimate (weighted draws)
        double exactSd = Math.Sqrt(ExactCounterfactualVariance());
        double[] q = counterfactual.Quantiles(0.05, 0.95);
        output.WriteLine();
        output.WriteLine($"Y_{{X=-1}} given X=0.8, Z=1.1 is a distribution: sd {counterfactual.StandardDeviation:F4} (exact {exactSd:F4}),");
        output.WriteLine($"90% interval [{q[0]:F3}, {q[1]:F3}] (exact [{exactCounterfactual - (1.6449 * exactSd):F3}, {exactCounterfactual + (1.6449 * exactSd):F3}]),");
        output.WriteLine($"from {counterfactual.Draws:N0} draws weighted by the evidence (Kish's effective sample size {counterfactual.EffectiveSampleSize:N0}).");
        return new ExampleResult(new Dictionary<string, double>
        {
            ["interventional"] = interventional.Value,
            ["interventionalSe"] = interventional.StandardError,
            ["backdoor"] = backdoor.Value,
            ["backdoorSe"] = backdoor.StandardError,
            ["ate"] = ate.Value,
            ["counterfactual"] = counterfactual.Value,
            ["counterfactualSe"] = counterfactual.StandardError,
            ["threeSteps"] = threeSteps.Value,
            ["threeStepsSe"] = threeSteps.StandardError,
            ["exactCounterfactual"] = exactCounterfactual,
            ["counterfactualSd"] = counterfactual.StandardDeviation,
            ["counterfactualQ05"] = q[0],
            ["counterfactualQ95"] = q[1],
            ["counterfactualEss"] = counterfactual.EffectiveSampleSize,
            ["exactCounterfactualSd"] = exactSd,
        });
    }

    /// <summary>
    /// E[Y_{X=x'} | X=x, Z=z] = E[Y | x, z] + 2(x' − x): the shared noise −1.5U + ε_y is abducted from
    /// the evidence. (X, Y, Z) are jointly Gaussian; E[Y | x, z] by the usual conditioning formula.
    /// </summary>
    public static double ExactCounterfactual(double x, double z, double xPrime)
    {
        // Var X = 1 + 1 = 2; Y = 2X − 1.5U + ε_y: Cov(X, Y) = 2·2 − 1.5 = 2.5, Var Y = 4·2 − 2·2·1.5 + 2.25 + 0.25 = 4.5
        const double varX = 2.0, covXY = 2.5, varY = 4.5;
        double covXZ = 0.7 * covXY, covYZ = 0.7 * varY, varZ = (0.49 * varY) + 0.09;
        double det = (varX * varZ) - (covXZ * covXZ);
        double gainX = ((covXY * varZ) - (covYZ * covXZ)) / det;
        double gainZ = ((covYZ * varX) - (covXY * covXZ)) / det;
        return (gainX * x) + (gainZ * z) + (2 * (xPrime - x));
    }

    /// <summary>
    /// Var[Y_{X=x'} | X=x, Z=z] = Var[Y | x, z] (the intervention shifts Y by a constant):
    /// Var Y − c Σ⁻¹ cᵀ with c = (Cov(X, Y), Cov(Z, Y)) and Σ the covariance of (X, Z).
    /// </summary>
    public static double ExactCounterfactualVariance()
    {
        const double varX = 2.0, covXY = 2.5, varY = 4.5;
        double covXZ = 0.7 * covXY, covYZ = 0.7 * varY, varZ = (0.49 * varY) + 0.09;
        double det = (varX * varZ) - (covXZ * covXZ);
        double explained = ((covXY * covXY * varZ) - (2 * covXY * covYZ * covXZ) + (covYZ * covYZ * varX)) / det;
        return varY - explained;
    }

    private static void Row(TextWriter output, string name, CausalEstimate estimate, double exact) =>
        output.WriteLine($"| {name,-41} | {estimate.Value,8:F4} | {estimate.StandardError,10:F4} | {exact,8:F4} |");
}
