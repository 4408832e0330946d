using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>
/// Confounded model U ~ N(0,1), X ~ N(U,1), Y ~ N(2X + 3U, 1). Intervening cuts U → X:
/// E[Y | do(X=1)] = 2 and Var = 9 + 1 = 10, while conditioning keeps it:
/// E[U | X=1] = Cov(U,X)/Var(X) = 1/2, so E[Y | X=1] = 2 + 3·(1/2) = 3.5 and Var(Y | X) = 9·(1/2) + 1 = 5.5.
/// </summary>
[Collection("Sequential")]
public sealed class InterventionVersusConditioningTests
{
    private const int N = 20000;

    private static readonly Func<bool, Tensor> Model = _ =>
    {
        using var units = Plate("units", N);
        var u = Sample("u", F64.Normal64(0, 1));
        var x = Sample("x", new Normal(u, 1.0));
        return Sample("y", new Normal(x.mul(2).add(u.mul(3)), 1.0));
    };

    [Fact]
    public void InterventionalMeanIsTwoAndDiffersFromTheConditionalMean()
    {
        using var scope = NewDisposeScope();
        var (trace, y) = Model.Do(F64.Data(("x", F64.T(1.0)))).Seed(2024).TraceRun(false);

        double mean = F64.D(y.mean());
        double variance = F64.D(y.var());
        const double interventionalMean = 2.0;
        double conditionalMean = 2.0 + (3.0 * (1.0 / 2.0)); // E[Y|X=1], closed form
        double se = Math.Sqrt(10.0 / N); // sd of Y under do(X=1) is sqrt(10)

        Assert.InRange(mean, interventionalMean - (5 * se), interventionalMean + (5 * se));
        Assert.True(Math.Abs(mean - conditionalMean) > 5 * se, $"E[Y|do(X=1)] estimate {mean} is indistinguishable from E[Y|X=1] = {conditionalMean}.");

        // Var(Y | do(X=1)) = 10; the sample variance of n normals has SE σ²·sqrt(2/(n−1)); 5 SE
        double varSe = 10.0 * Math.Sqrt(2.0 / (N - 1));
        Assert.InRange(variance, 10.0 - (5 * varSe), 10.0 + (5 * varSe));

        // x is still drawn under its own name: its draws are N(u, 1), not the constant 1
        var x = trace["x"].Value!;
        Assert.Equal(new long[] { N }, x.shape);
        double xSd = Math.Sqrt(2.0 / N); // Var(X) = 2
        Assert.InRange(F64.D(x.mean()), -5 * xSd, 5 * xSd);
    }

    [Fact]
    public void ObservationalRegressionSlopeMatchesTheClosedFormConditional()
    {
        // Without the intervention, E[Y | X] = (Cov(X,Y)/Var X)·X = (7/2)·X: at X = 1 that is 3.5, the value
        // the interventional test contrasts with. OLS slope SE = sqrt(Var(Y|X) / (n·Var X)) = sqrt(5.5/(2n)); 5 SE.
        using var scope = NewDisposeScope();
        var trace = Model.Seed(7).GetTrace(false);
        var x = trace["x"].Value!;
        var y = trace["y"].Value!;

        var xc = x.sub(x.mean());
        double slope = F64.D(xc.mul(y.sub(y.mean())).sum().div(xc.square().sum()));
        double intercept = F64.D(y.mean()) - (slope * F64.D(x.mean()));

        double slopeSe = Math.Sqrt(5.5 / (2.0 * N));
        Assert.InRange(slope, 3.5 - (5 * slopeSe), 3.5 + (5 * slopeSe));
        double interceptSe = Math.Sqrt(5.5 / N);
        Assert.InRange(intercept, -5 * interceptSe, 5 * interceptSe);
    }
}
