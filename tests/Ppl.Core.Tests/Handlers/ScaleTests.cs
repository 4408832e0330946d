using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Handlers;

[Collection("Sequential")]
public sealed class ScaleTests
{
    // y ~ N(1, 2) observed at 0.3
    private static readonly Func<bool, Tensor> Model = _ => Sample("y", F64.Normal64(1, 2), obs: F64.T(0.3));

    private static readonly double UnscaledLogProb = MathNormal.PDFLn(1, 2, 0.3);

    [Fact]
    public void ScaleMultipliesLogProbSumByTheFactor()
    {
        using var scope = NewDisposeScope();
        double unscaled = F64.D(Model.GetTrace(false).LogProbSum());
        var trace = Model.Scale(2.5).GetTrace(false);

        Assert.Equal(UnscaledLogProb, unscaled, 1e-12);
        Assert.Equal(2.5 * unscaled, F64.D(trace.LogProbSum())); // one float64 multiply either way: exact
        Assert.Equal(2.5, trace["y"].Scale);
    }

    [Fact]
    public void NestedScalesMultiply()
    {
        using var scope = NewDisposeScope();
        var trace = Model.Scale(2.0).Scale(3.0).GetTrace(false);

        Assert.Equal(6.0, trace["y"].Scale);
        Assert.Equal(6.0 * UnscaledLogProb, F64.D(trace.LogProbSum()), 1e-12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void NonPositiveOrNonFiniteScaleThrows(double factor)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ScaleMessenger(factor));
        Assert.Equal("scale", e.ParamName);
    }

    [Fact]
    public void TensorScaleWeightsEachEntry()
    {
        using var scope = NewDisposeScope();
        double[] obs = [0.1, -0.2, 0.3];
        double[] weights = [1.0, 2.0, 3.0];
        Func<bool, Tensor> model = _ =>
        {
            using var plate = Plate("n", 3);
            return Sample("y", F64.Normal64(0, 1), obs: F64.T(obs));
        };

        var trace = model.With(() => new ScaleMessenger(F64.T(weights))).GetTrace(false);

        double expected = obs.Select((v, i) => weights[i] * MathNormal.PDFLn(0, 1, v)).Sum();
        Assert.Equal(expected, F64.D(trace.LogProbSum()), 1e-12);
        Assert.Equal(1.0, trace["y"].Scale);
    }

    [Fact]
    public void NestedTensorAndScalarScalesCombine()
    {
        using var scope = NewDisposeScope();
        double[] obs = [0.1, -0.2];
        Func<bool, Tensor> model = _ =>
        {
            using var plate = Plate("n", 2);
            return Sample("y", F64.Normal64(0, 1), obs: F64.T(obs));
        };

        var trace = model
            .With(() => new ScaleMessenger(F64.T(2.0, 3.0)))
            .With(() => new ScaleMessenger(F64.T(5.0, 7.0)))
            .Scale(0.5)
            .GetTrace(false);

        double expected = 0.5 * ((10 * MathNormal.PDFLn(0, 1, 0.1)) + (21 * MathNormal.PDFLn(0, 1, -0.2)));
        Assert.Equal(expected, F64.D(trace.LogProbSum()), 1e-12);
    }

    [Fact]
    public void TensorScaleWithANonPositiveEntryThrows()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new ScaleMessenger(F64.T(1.0, 0.0)));
        Assert.Contains("> 0", e.Message, StringComparison.Ordinal);
    }
}
