using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using static TorchSharp.torch;
using C = Ppl.Distributions.Constraints;
using MathNetLogNormal = MathNet.Numerics.Distributions.LogNormal;
using MathNetNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Distributions.Transforms;

/// <summary>Change of variables: densities, samplers, shapes and gradients of transformed distributions.</summary>
[Collection("Sequential")]
public sealed class TransformedDistributionTests
{
    [Fact]
    public void ExpOfANormalHasTheMathNetLogNormalDensity()
    {
        using var scope = NewDisposeScope();
        var d = new TransformedDistribution(new Normal(tensor(new[] { 0.0, 1.0, -0.5 }, dtype: float64), tensor(new[] { 1.0, 0.3, 2.0 }, dtype: float64)), ExpTransform.Instance);
        var y = tensor(new[] { 0.2, 1.0, 3.0, 7.0 }, dtype: float64).unsqueeze(-1);
        var lp = d.LogProb(y);
        double[] mu = [0.0, 1.0, -0.5], sigma = [1.0, 0.3, 2.0], ys = [0.2, 1.0, 3.0, 7.0];
        for (int i = 0; i < ys.Length; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(MathNetLogNormal.PDFLn(mu[j], sigma[j], ys[i]), lp[i, j].item<double>(), 10);
            }
        }

        Assert.Equal(C.Positive, d.Support);
        Assert.True(d.HasRSample);
    }

    [Fact]
    public void AffineOfANormalIsANormal()
    {
        using var scope = NewDisposeScope();
        var d = new TransformedDistribution(new Normal(0.0, 1.0).Expand(3), new AffineTransform(tensor(new[] { 1.0f, -2.0f, 0.5f }), tensor(new[] { 2.0f, -0.5f, 3.0f })));
        var same = new Normal(tensor(new[] { 1.0f, -2.0f, 0.5f }), tensor(new[] { 2.0f, 0.5f, 3.0f }));
        var y = linspace(-4, 4, 9).unsqueeze(-1);
        Assert.True(d.LogProb(y).allclose(same.LogProb(y), rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void SigmoidOfANormalPassesAKolmogorovSmirnovTest()
    {
        using var scope = NewDisposeScope();
        var d = new TransformedDistribution(new Normal(tensor(0.3, dtype: float64), tensor(1.7, dtype: float64)), SigmoidTransform.Instance);
        var x = d.Sample(new Generator(12, CPU), 20_000).data<double>().ToArray();
        GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(x, y => MathNetNormal.CDF(0.3, 1.7, Math.Log(y / (1 - y)))), "logit-normal");
    }

    [Fact]
    public void EventWiseTransformsTurnBaseBatchDimsIntoEventDims()
    {
        using var scope = NewDisposeScope();
        var d = new TransformedDistribution(new Normal(zeros(2, 3, dtype: float64), ones(2, 3, dtype: float64)), StickBreakingTransform.Instance);
        Assert.Equal([2L], d.BatchShape);
        Assert.Equal([4L], d.EventShape);
        Assert.Equal(C.Simplex, d.Support);
        var y = d.Sample(new Generator(3, CPU), 5);
        Assert.Equal([5L, 2, 4], y.shape);
        Assert.True(C.Simplex.Check(y).all().item<bool>());
        Assert.Equal([5L, 2], d.LogProb(y).shape);
    }

    [Fact]
    public void LogProbOfAnEventWiseTransformIsBaseDensityMinusTheLogDet()
    {
        using var scope = NewDisposeScope();
        var normal = new Normal(zeros(3, dtype: float64), ones(3, dtype: float64));
        var d = new TransformedDistribution(normal, StickBreakingTransform.Instance);
        var x = tensor(new[] { 0.3, -1.2, 0.8 }, dtype: float64);
        var y = StickBreakingTransform.Instance.Forward(x);

        // the 3×3 Jacobian of the first three simplex coordinates, by autograd
        var xg = x.clone().requires_grad_();
        var head = StickBreakingTransform.Instance.Forward(xg).narrow(-1, 0, 3);
        var rows = Enumerable.Range(0, 3).Select(k => autograd.grad([head[k]], [xg], retain_graph: true)[0]).ToList();
        var (_, logAbsDet) = linalg.slogdet(stack(rows));
        double expected = normal.LogProb(x).sum().item<double>() - logAbsDet.item<double>();
        Assert.Equal(expected, d.LogProb(y).item<double>(), 10);
    }

    [Fact]
    public void RSampleGradientFlowsThroughTheBaseAndTheTransform()
    {
        using var scope = NewDisposeScope();
        var loc = tensor(0.4, dtype: float64).requires_grad_();
        var d = new TransformedDistribution(new Normal(loc, tensor(0.5, dtype: float64)), ExpTransform.Instance);
        var y = d.RSample(new Generator(5, CPU), 8);
        y.sum().backward();
        Assert.Equal(y.sum().item<double>(), loc.grad!.item<double>(), 10); // ∂e^(μ+σε)/∂μ = y
    }

    [Fact]
    public void ValuesOutsideTheCodomainAreRejected()
    {
        using var scope = NewDisposeScope();
        var d = new TransformedDistribution(new Normal(0.0, 1.0), ExpTransform.Instance);
        var e = Assert.Throws<ArgumentException>(() => d.LogProb(tensor(-1.0f)));
        Assert.Contains("support", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TransformNeedingMoreDimsThanTheBaseHasIsRejected()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new TransformedDistribution(new Normal(0.0, 1.0), StickBreakingTransform.Instance));
        Assert.Contains("StickBreaking", e.Message, StringComparison.Ordinal);
    }
}
