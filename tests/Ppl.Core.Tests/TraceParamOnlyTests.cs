using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static Ppl.Testing.F64;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>Pyro's <c>poutine.trace(fn, param_only=True)</c>: a trace of the param sites alone.</summary>
[Collection("Sequential")]
public sealed class TraceParamOnlyTests
{
    // NormalNormalNormalHandlerTestCase of pyro tests/poutine/test_poutines.py
    private static Tensor Model(bool _)
    {
        var latent1 = Sample("latent1", new Normal(zeros(2, dtype: float64), ones(2, dtype: float64)));
        var latent2 = Sample("latent2", new Normal(latent1, ones(2, dtype: float64).mul(5)));
        Sample("obs", new Normal(latent2, ones(2, dtype: float64)), obs: ones(2, dtype: float64));
        return latent1;
    }

    private static Tensor Guide(bool _)
    {
        var loc1 = Param("loc1", () => randn(2, dtype: float64));
        var scale1 = Param("scale1", () => ones(2, dtype: float64), Constraints.Positive);
        Sample("latent1", new Normal(loc1, scale1));
        var loc2 = Param("loc2", () => randn(2, dtype: float64));
        var scale2 = Param("scale2", () => ones(2, dtype: float64), Constraints.Positive);
        return Sample("latent2", new Normal(loc2, scale2));
    }

    // ports pyro tests/poutine/test_poutines.py::TraceHandlerTests::test_trace_param_only
    [Fact]
    public void TestTraceParamOnly()
    {
        using var scope = NewDisposeScope();
        var modelTrace = ((Func<bool, Tensor>)Model).GetTrace(false, paramOnly: true);
        Assert.All(modelTrace.Nodes, site => Assert.Equal(SiteKind.Param, site.Kind));
        Assert.Empty(modelTrace.Nodes); // the model has no params

        var guideTrace = ((Func<bool, Tensor>)Guide).GetTrace(false, paramOnly: true);
        Assert.Equal(["loc1", "scale1", "loc2", "scale2"], guideTrace.Nodes.Select(s => s.Name));
        Assert.All(guideTrace.Nodes, site => Assert.Equal(SiteKind.Param, site.Kind));
    }

    // the context-manager form (pyro tests/nn/test_module.py: with poutine.trace(param_only=True) as param_capture)
    [Fact]
    public void TraceMessengerRecordsParamsOnlyWhenAsked()
    {
        using var scope = NewDisposeScope();
        using var store = new Ppl.Params.ParamStore();
        var capture = new TraceMessenger { ParamOnly = true };
        Tensor scale1;
        using (store.Activate())
        using (capture.Install())
        {
            Guide(false);
            scale1 = Param("scale1"); // the same param again: recorded once
        }

        Assert.True(capture.ParamOnly);
        Assert.Equal(["loc1", "scale1", "loc2", "scale2"], capture.Trace.Nodes.Select(s => s.Name));
        Assert.True(ones(2, dtype: float64).allclose(capture.Trace["scale1"].Value!, rtol: 1e-15, atol: 0));
        Assert.True(Identical(scale1, capture.Trace["scale1"].Value!));
    }

    [Fact]
    public void ParamOnlyTraceSkipsTheSampleSiteShapeCheck()
    {
        using var scope = NewDisposeScope();

        // an observation of shape [3, 1] in a plate of 3 fails a full trace (3 × 3 log-density terms) but has nothing to record here
        Func<bool, Tensor> model = _ =>
        {
            var loc = Param("loc", () => T(0.0));
            using var plate = Plate("data", 3);
            return Sample("y", new Normal(loc, 1.0), obs: zeros(3, 1, dtype: float64));
        };

        Assert.ThrowsAny<Exception>(() => model.GetTrace(false));
        Assert.Equal(["loc"], model.GetTrace(false, paramOnly: true).Nodes.Select(s => s.Name));
    }
}
