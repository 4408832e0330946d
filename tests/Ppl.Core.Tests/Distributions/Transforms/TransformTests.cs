using Ppl.Distributions.Transforms;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions.Transforms;

/// <summary>Round trips, codomain membership, log-det against the autograd Jacobian, meta runs and leaks for every transform.</summary>
[Collection("Sequential")]
public sealed class TransformTests
{
    public static TheoryData<string> Cases => TransformCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void InverseUndoesForwardAndForwardLandsInTheCodomain(string name)
    {
        using var scope = NewDisposeScope();
        var c = TransformCases.Get(name);
        var t = c.Make(CPU, float64);
        var x = c.DrawDomain(CPU, float64, new Generator(1, CPU));
        var y = t.Forward(x);
        Assert.Equal(t.ForwardShape(x.shape), y.shape);
        Assert.Equal(x.shape, t.InverseShape(y.shape));
        Assert.True(t.Codomain.Check(y).all().item<bool>(), $"{t}: forward values leave the codomain {t.Codomain}");
        Assert.True(t.Domain.Check(x).all().item<bool>(), $"{t}: drawn points are not in the domain {t.Domain}");
        var back = t.Inverse(y);
        Assert.True(back.allclose(x, rtol: 1e-9, atol: 1e-9), $"{t}: inverse(forward(x)) differs from x by {back.sub(x).abs().max().item<double>():G3}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LogAbsDetJacobianMatchesTheAutogradJacobian(string name)
    {
        using var scope = NewDisposeScope();
        var c = TransformCases.Get(name);
        var t = c.Make(CPU, float64);
        var x = c.DrawDomain(CPU, float64, new Generator(2, CPU)).requires_grad_();
        var y = t.Forward(x);
        var ladj = t.LogAbsDetJacobian(x, y);
        Assert.Equal(x.shape[..^t.DomainEventDim], ladj.shape);

        if (c.InputCoordinates is null)
        {
            // elementwise: the Jacobian is diagonal and ∂(Σy)/∂x is that diagonal
            var diagonal = autograd.grad([y.sum()], [x])[0];
            var expected = diagonal.abs().log();
            Assert.True(ladj.allclose(expected, rtol: 1e-8, atol: 1e-8), $"{t}: log|det J| {TensorFormat.Values(ladj)} vs autograd {TensorFormat.Values(expected)}");
            return;
        }

        var outputs = c.OutputCoordinates!(y);
        long batch = x.shape[0];
        long m = outputs.shape[1];
        var rows = new List<Tensor>();
        for (long k = 0; k < m; k++)
        {
            var g = autograd.grad([outputs[.., k].sum()], [x], retain_graph: true)[0];
            rows.Add(c.InputCoordinates(g));
        }

        var jacobian = stack(rows, 1); // [batch, outputs, inputs]
        Assert.Equal(jacobian.shape[1], jacobian.shape[2]);
        var (_, logAbsDet) = linalg.slogdet(jacobian);
        var flatLadj = ladj.reshape(batch, -1).sum(-1);
        Assert.True(flatLadj.allclose(logAbsDet, rtol: 1e-8, atol: 1e-8), $"{t}: log|det J| [{string.Join(", ", flatLadj.data<double>().ToArray())}] vs autograd [{string.Join(", ", logAbsDet.data<double>().ToArray())}]");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void InverseTransformNegatesTheLogDet(string name)
    {
        using var scope = NewDisposeScope();
        var c = TransformCases.Get(name);
        var t = c.Make(CPU, float64);
        var x = c.DrawDomain(CPU, float64, new Generator(3, CPU));
        var y = t.Forward(x);
        var inv = t.Inv;
        Assert.Same(t, inv.Inv);
        Assert.True(inv.Forward(y).allclose(x, rtol: 1e-9, atol: 1e-9));
        Assert.True(inv.LogAbsDetJacobian(y, x).allclose(t.LogAbsDetJacobian(x, y).neg(), rtol: 1e-12, atol: 1e-12));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RunsOnTheMetaDeviceAndLeavesNoTensors(string name)
    {
        var c = TransformCases.Get(name);
        void Exercise(Device d, ScalarType dtype)
        {
            using var scope = NewDisposeScope();
            var t = c.Make(d, dtype);
            var x = c.DrawDomain(d, dtype, new Generator(4, d));
            var y = t.Forward(x);
            Assert.Equal(t.ForwardShape(x.shape), y.shape);
            Assert.Equal(x.shape, t.Inverse(y).shape);
            Assert.Equal(x.shape[..^t.DomainEventDim], t.LogAbsDetJacobian(x, y).shape);
            Assert.Equal(d.type, y.device.type);
        }

        Exercise(device("meta"), float32);
        LiveTensors.AssertNoLeak(() => Exercise(CPU, float32), repeats: 1);
    }
}
