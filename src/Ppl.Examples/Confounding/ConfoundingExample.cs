using Ppl.Distributions;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.Confounding;

/// <summary>
/// Seeing is not doing. In U ~ N(0,1), X ~ N(U,1), Y ~ N(2X + 3U, 1) the confounder U makes
/// E[Y | X=1] = 3.5 but E[Y | do(X=1)] = 2. The first is estimated by likelihood weighting
/// (condition on X=1, weight each draw of U by p(X=1 | U)), the second by simulating under
/// <see cref="DoMessenger"/>; both in one vectorized model run over a plate of draws.
/// </summary>
public sealed class ConfoundingExample : IExample
{
    /// <inheritdoc />
    public string Name => "confounding";

    /// <inheritdoc />
    public string Description => "E[Y | X=1] vs E[Y | do(X=1)] under confounding, against the closed forms";

    /// <summary>The structural model, vectorized over <paramref name="n"/> draws.</summary>
    public static Tensor Model(long n)
    {
        using var draws = Plate("draws", n);
        var u = Sample("u", new Normal(zeros(n, dtype: float64), 1.0));
        var x = Sample("x", new Normal(u, 1.0));
        return Sample("y", new Normal(x.mul(2).add(u.mul(3)), 1.0));
    }

    /// <inheritdoc />
    public ExampleResult Run(ExampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        long n = options.Smoke ? 20_000 : 1_000_000;
        using var scope = NewDisposeScope();
        Func<long, Tensor> model = Model;
        var xIsOne = new Dictionary<string, Tensor> { ["x"] = ones(n, dtype: float64) };

        // interventional: the model runs with X forced to 1
        var doTrace = model.Do(xIsOne).Seed(options.Seed).GetTrace(n);
        var yDo = doTrace["y"].Value!;
        double doMean = yDo.mean().item<double>();
        double doSe = yDo.std().item<double>() / Math.Sqrt(n);

        // observational: X = 1 is observed, so each draw is weighted by p(X = 1 | U)
        var obsTrace = model.Condition(xIsOne).Seed(options.Seed).GetTrace(n);
        var weights = obsTrace["x"].UnscaledLogProb().softmax(0);
        var yObs = obsTrace["y"].Value!;
        double obsMean = weights.mul(yObs).sum().item<double>();
        double ess = 1.0 / weights.square().sum().item<double>();
        double obsSe = Math.Sqrt(weights.mul(yObs.sub(obsMean).square()).sum().item<double>() / ess);

        output.WriteLine($"Draws: {n:N0} (seed {options.Seed}).");
        output.WriteLine($"E[Y | X=1] weights each draw by p(X = 1 | U) (likelihood weighting); Kish's effective");
        output.WriteLine($"sample size of those weights, (Σw)²/Σw², is {ess:N0} of {n:N0}. do(X=1) needs no weights.");
        output.WriteLine();
        output.WriteLine("| query           | estimate | std. error | exact |");
        output.WriteLine("|-----------------|---------:|-----------:|------:|");
        output.WriteLine($"| E[Y | X=1]      | {obsMean,8:F3} | {obsSe,10:F3} | {3.5,5:F1} |");
        output.WriteLine($"| E[Y | do(X=1)]  | {doMean,8:F3} | {doSe,10:F3} | {2.0,5:F1} |");
        return new ExampleResult(new Dictionary<string, double>
        {
            ["observational"] = obsMean,
            ["observationalSe"] = obsSe,
            ["interventional"] = doMean,
            ["interventionalSe"] = doSe,
        });
    }
}
