using Ppl.Distributions;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Handlers;

[Collection("Sequential")]
public sealed class SubstituteTests
{
    // param w = 0.5, x ~ N(w, 1), deterministic d = 2x, y ~ N(d, 1)
    private static readonly Func<bool, Tensor> Model = _ =>
    {
        var w = Param("w", F64.T(0.5));
        var x = Sample("x", new Normal(w, 1.0));
        var d = Deterministic("d", x.mul(2));
        return Sample("y", new Normal(d, 1.0));
    };

    [Fact]
    public void SampleParamAndDeterministicTakeTheValuesWithoutBeingObserved()
    {
        using var scope = NewDisposeScope();
        var data = F64.Data(("w", F64.T(-1.0)), ("x", F64.T(0.25)), ("d", F64.T(7.0)));
        var trace = Model.Substitute(data).GetTrace(false);

        Assert.Equal(-1.0, F64.D(trace["w"].Value!));
        Assert.Equal(0.25, F64.D(trace["x"].Value!));
        Assert.Equal(7.0, F64.D(trace["d"].Value!));
        Assert.False(trace["x"].IsObserved);
        Assert.True(trace["x"].IsLatent);
        Assert.False(trace["d"].IsObserved);

        // downstream: x ~ N(w = -1, 1); y ~ N(d = 7, 1)
        Assert.Equal(-1.0, F64.D(((Normal)trace["x"].Distribution!).Loc));
        Assert.Equal(7.0, F64.D(((Normal)trace["y"].Distribution!).Loc));
    }

    [Fact]
    public void LogProbIsEvaluatedAtTheSubstitutedValue()
    {
        using var scope = NewDisposeScope();
        var trace = Model.Substitute(F64.Data(("x", F64.T(0.25)), ("y", F64.T(1.0)))).GetTrace(false);

        double expected = MathNormal.PDFLn(0.5, 1, 0.25) + MathNormal.PDFLn(0.5, 1, 1.0);
        Assert.Equal(expected, F64.D(trace.LogProbSum()), 1e-12);
    }

    [Fact]
    public void FunctionOverloadSubstitutesTheSitesItReturnsAValueFor()
    {
        using var scope = NewDisposeScope();
        var x = F64.T(3.0);
        var trace = Model.With(() => new SubstituteMessenger(m => m.Name == "x" ? x : null)).GetTrace(false);

        Assert.Equal(3.0, F64.D(trace["x"].Value!));
        Assert.Equal(6.0, F64.D(trace["d"].Value!));
        Assert.Equal(0.5, F64.D(trace["w"].Value!));
    }
}
