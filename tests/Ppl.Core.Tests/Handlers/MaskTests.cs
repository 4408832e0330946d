using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Handlers;

[Collection("Sequential")]
public sealed class MaskTests
{
    private static readonly double[] Obs = [0.1, -0.7, 1.3];

    // y ~ N(0, 1) in a plate of 3, observed at Obs
    private static readonly Func<bool, Tensor> Model = _ =>
    {
        using var plate = Plate("n", 3);
        return Sample("y", F64.Normal64(0, 1), obs: F64.T(Obs));
    };

    private static double LogProbOf(params int[] entries) => entries.Sum(i => MathNormal.PDFLn(0, 1, Obs[i]));

    [Fact]
    public void TrueMaskKeepsEverything()
    {
        using var scope = NewDisposeScope();
        var trace = Model.With(() => new MaskMessenger(true)).GetTrace(false);
        Assert.Equal(LogProbOf(0, 1, 2), F64.D(trace.LogProbSum()), 1e-12);
    }

    [Fact]
    public void FalseMaskZeroesTheSiteButKeepsItsValue()
    {
        using var scope = NewDisposeScope();
        var trace = Model.With(() => new MaskMessenger(false)).GetTrace(false);

        Assert.False(trace["y"].MaskAll);
        Assert.Equal(0.0, F64.D(trace.LogProbSum()));
        Assert.Equal(Obs, F64.Values(trace["y"].Value!));
        Assert.NotEqual(0.0, F64.D(trace["y"].UnscaledLogProb().sum()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WrapperTakesABoolAsTheHandlerDoes(bool keep)
    {
        // Pyro's poutine.mask(fn, mask=False); Poutine.Mask took only tensors
        using var scope = NewDisposeScope();
        var trace = Model.Mask(keep).GetTrace(false);
        Assert.Equal(keep ? LogProbOf(0, 1, 2) : 0.0, F64.D(trace.LogProbSum()), 1e-12);
        Assert.Equal(keep, trace["y"].MaskAll);
    }

    [Fact]
    public void TensorMaskZeroesTheMaskedEntries()
    {
        using var scope = NewDisposeScope();
        var trace = Model.Mask(tensor(new[] { true, false, true })).GetTrace(false);

        Assert.Equal(LogProbOf(0, 2), F64.D(trace.LogProbSum()), 1e-12);
        F64.AssertClose([LogProbOf(0), 0.0, LogProbOf(2)], F64.Values(trace["y"].LogProb()), 1e-12);
    }

    [Fact]
    public void NestedMasksCombineByLogicalAnd()
    {
        using var scope = NewDisposeScope();
        var trace = Model
            .Mask(tensor(new[] { true, true, false }))
            .Mask(tensor(new[] { false, true, true }))
            .GetTrace(false);

        Assert.Equal(LogProbOf(1), F64.D(trace.LogProbSum()), 1e-12);
    }

    [Fact]
    public void FalseOuterMaskWinsOverTensorInnerMask()
    {
        using var scope = NewDisposeScope();
        var trace = Model.Mask(tensor(new[] { true, true, true })).With(() => new MaskMessenger(false)).GetTrace(false);
        Assert.Equal(0.0, F64.D(trace.LogProbSum()));
    }

    [Fact]
    public void NonBooleanMaskTensorThrows()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new MaskMessenger(F64.T(1.0, 0.0)));
        Assert.Contains("bool", e.Message, StringComparison.Ordinal);
    }
}
