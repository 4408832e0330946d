using Ppl.Handlers;
using Ppl.Modules;
using static TorchSharp.torch;

namespace Ppl.Tests.Modules;

[Collection("Sequential")]
public sealed class PplLinearTests
{
    [Fact]
    public void WrappingALinearComputesWhatTheLinearComputes()
    {
        using var scope = NewDisposeScope();
        using var plain = nn.Linear(3, 2, dtype: float64);
        using var wrapped = new PplLinear(plain);
        var x = randn(5, 3, float64);
        Assert.True(plain.forward(x).allclose(wrapped.forward(x), rtol: 0, atol: 1e-12));
        Assert.Equal(new[] { "weight", "bias" }, wrapped.named_parameters().Select(p => p.name));
        Assert.NotSame(plain.weight, wrapped.get_parameter("weight")); // a copy: the two layers own their storage
    }

    [Fact]
    public void NormalPriorsTurnWeightAndBiasIntoSampleSitesOfTheirShapes()
    {
        using var scope = NewDisposeScope();
        using var layer = new PplLinear(3, 2, hasBias: true, dtype: float64).WithNormalPriors(2.0);
        Assert.Empty(layer.named_parameters());
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            layer.forward(randn(5, 3, float64));
        }

        var weight = tracer.Trace["weight"];
        var bias = tracer.Trace["bias"];
        Assert.Equal(new long[] { 2, 3 }, weight.Value!.shape);
        Assert.Equal(new long[] { 2 }, bias.Value!.shape);
        Assert.Equal(float64, weight.Value.dtype);
        Assert.Equal(2.0 * 2.0, weight.Distribution!.Variance.mean().item<double>(), 12);
        Assert.Empty(weight.Distribution.BatchShape);
    }

    [Fact]
    public void WithoutBiasThereIsNoBiasSite()
    {
        using var scope = NewDisposeScope();
        using var layer = new PplLinear(3, 2, hasBias: false).WithNormalPriors(1.0);
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            Assert.Equal(new long[] { 5, 2 }, layer.forward(randn(5, 3)).shape);
        }

        Assert.Equal(new[] { "weight" }, tracer.Trace.Nodes.Select(s => s.Name));
    }
}
