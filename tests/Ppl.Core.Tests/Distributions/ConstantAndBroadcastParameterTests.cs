using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetCauchy = MathNet.Numerics.Distributions.Cauchy;
using MathNetLaplace = MathNet.Numerics.Distributions.Laplace;
using MathNetLogNormal = MathNet.Numerics.Distributions.LogNormal;
using MathNetNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Distributions;

/// <summary>
/// Location-scale families and LogNormal keep a constant (double) scale as a number and keep
/// smaller parameters unexpanded, broadcasting them in the density and the draw. Densities must
/// still equal MathNet's, shapes must be those of the broadcast parameters, and gradients with
/// respect to a broadcast parameter must be the sum over the batch (closed forms below). Float64
/// throughout: MathNet and the closed forms are exact to a few ulps, so 1e-12 relative bounds any
/// correct evaluation.
/// </summary>
[Collection("Sequential")]
public sealed class ConstantAndBroadcastParameterTests
{
    private const double Tolerance = 1e-12;

    private static readonly double[] Locs = [-2.0, -0.3, 0.0, 0.8, 3.5];
    private static readonly double[] Xs = [-4.1, 0.2, 0.0, 1.7, 2.9];
    private static readonly double[] PositiveXs = [1e-3, 0.4, 1.0, 2.5, 40.0];

    private static Tensor F64(double[] values) => tensor(values, dtype: float64);

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    private static void AssertElementwise(Func<int, double> expected, Tensor actual, string what)
    {
        var values = actual.data<double>().ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            AssertClose(expected(i), values[i], $"{what}[{i}]");
        }
    }

    [Theory]
    [InlineData(2.5)]
    [InlineData(1.0)]
    [InlineData(0.05)]
    public void ConstantScaleDensitiesEqualMathNet(double scale)
    {
        using var scope = NewDisposeScope();
        var loc = F64(Locs);
        AssertElementwise(i => MathNetNormal.PDFLn(Locs[i], scale, Xs[i]), new Normal(loc, scale).LogProb(F64(Xs)), $"Normal(·, {scale})");
        AssertElementwise(i => MathNetLaplace.PDFLn(Locs[i], scale, Xs[i]), new Laplace(loc, scale).LogProb(F64(Xs)), $"Laplace(·, {scale})");
        AssertElementwise(i => MathNetCauchy.PDFLn(Locs[i], scale, Xs[i]), new Cauchy(loc, scale).LogProb(F64(Xs)), $"Cauchy(·, {scale})");
        AssertElementwise(
            i =>
            {
                double z = (Xs[i] - Locs[i]) / scale;
                return -Math.Log(scale) - z - Math.Exp(-z);
            },
            new Gumbel(loc, scale).LogProb(F64(Xs)),
            $"Gumbel(·, {scale})");
        AssertElementwise(i => MathNetLogNormal.PDFLn(Locs[i], scale, PositiveXs[i]), new LogNormal(loc, scale).LogProb(F64(PositiveXs)), $"LogNormal(·, {scale})");
    }

    [Fact]
    public void ConstantScaleDensityBroadcastsASampleShape()
    {
        // values [2, 5] against loc [5]: row r, column i is the density at Xs[i] + r
        using var scope = NewDisposeScope();
        var loc = F64(Locs);
        var x = stack([F64(Xs), F64(Xs).add(1.0)]);
        var lp = new Normal(loc, 0.7).LogProb(x);
        Assert.Equal([2L, 5L], lp.shape);
        AssertElementwise(k => MathNetNormal.PDFLn(Locs[k % 5], 0.7, Xs[k % 5] + (k / 5)), lp, "Normal(loc[5], 0.7) at [2, 5]");

        var y = stack([F64(PositiveXs), F64(PositiveXs).mul(3.0)]);
        var lpLog = new LogNormal(loc, 0.7).LogProb(y);
        Assert.Equal([2L, 5L], lpLog.shape);
        AssertElementwise(k => MathNetLogNormal.PDFLn(Locs[k % 5], 0.7, PositiveXs[k % 5] * (k < 5 ? 1 : 3)), lpLog, "LogNormal(loc[5], 0.7) at [2, 5]");
    }

    private static (Tensor Mu, Tensor Y, double[] MuValues, double[] YValues) Batch1000(bool positive)
    {
        var g = new Generator(31, CPU);
        var mu = randn(1000, dtype: float64, generator: g).mul(0.5);
        var y = positive ? randn(1000, dtype: float64, generator: g).exp() : randn(1000, dtype: float64, generator: g).mul(2.0);
        return (mu, y, mu.data<double>().ToArray(), y.data<double>().ToArray());
    }

    [Fact]
    public void NormalWithZeroDimScaleHasBatchShapedParametersAndTheClosedFormScaleGradient()
    {
        using var scope = NewDisposeScope();
        var (mu, y, m, yv) = Batch1000(positive: false);
        const double S = 1.3;
        var sigma = tensor(S, dtype: float64).requires_grad_();
        var d = new Normal(mu, sigma);
        Assert.Equal([1000L], d.BatchShape);
        Assert.Equal([1000L], d.Loc.shape);
        Assert.Equal([1000L], d.Scale.shape);
        Assert.True(d.Scale.detach().eq(S).all().item<bool>());

        var lp = d.LogProb(y);
        Assert.Equal([1000L], lp.shape);
        AssertElementwise(i => MathNetNormal.PDFLn(m[i], S, yv[i]), lp.detach(), "Normal(mu[1000], σ[])");

        // ∂/∂σ Σᵢ log N(yᵢ; μᵢ, σ) = Σᵢ ((yᵢ − μᵢ)²/σ³ − 1/σ)
        double expected = Enumerable.Range(0, 1000).Sum(i => ((yv[i] - m[i]) * (yv[i] - m[i]) / (S * S * S)) - (1 / S));
        var grad = autograd.grad([lp.sum()], [sigma])[0];
        Assert.Empty(grad.shape);
        AssertClose(expected, grad.item<double>(), "∂/∂σ");
    }

    [Fact]
    public void NormalWithZeroDimLocationGetsTheSummedLocationGradient()
    {
        using var scope = NewDisposeScope();
        var (scaleSource, y, _, yv) = Batch1000(positive: false);
        var scales = scaleSource.abs().add(0.2);
        var s = scales.data<double>().ToArray();
        const double M = -0.4;
        var loc = tensor(M, dtype: float64).requires_grad_();
        var d = new Normal(loc, scales);
        Assert.Equal([1000L], d.Loc.shape);

        // ∂/∂μ Σᵢ log N(yᵢ; μ, σᵢ) = Σᵢ (yᵢ − μ)/σᵢ²
        double expected = Enumerable.Range(0, 1000).Sum(i => (yv[i] - M) / (s[i] * s[i]));
        AssertClose(expected, autograd.grad([d.LogProb(y).sum()], [loc])[0].item<double>(), "∂/∂μ");
    }

    [Fact]
    public void LogNormalWithZeroDimScaleHasBatchShapedParametersAndTheClosedFormScaleGradient()
    {
        using var scope = NewDisposeScope();
        var (mu, y, m, yv) = Batch1000(positive: true);
        const double S = 0.6;
        var sigma = tensor(S, dtype: float64).requires_grad_();
        var d = new LogNormal(mu, sigma);
        Assert.Equal([1000L], d.BatchShape);
        Assert.Equal([1000L], d.Loc.shape);
        Assert.Equal([1000L], d.Scale.shape);

        var lp = d.LogProb(y);
        AssertElementwise(i => MathNetLogNormal.PDFLn(m[i], S, yv[i]), lp.detach(), "LogNormal(mu[1000], σ[])");

        // ∂/∂σ Σᵢ log LN(yᵢ; μᵢ, σ) = Σᵢ ((log yᵢ − μᵢ)²/σ³ − 1/σ)
        double expected = Enumerable.Range(0, 1000).Sum(i => (Math.Pow(Math.Log(yv[i]) - m[i], 2) / (S * S * S)) - (1 / S));
        AssertClose(expected, autograd.grad([lp.sum()], [sigma])[0].item<double>(), "∂/∂σ");
    }

    [Fact]
    public void DrawsHaveTheSampleShapePlusTheBroadcastBatchShape()
    {
        using var scope = NewDisposeScope();
        var mu = zeros(1000, dtype: float64);
        var sigma = tensor(0.9, dtype: float64).requires_grad_();
        foreach (var d in new Distribution[] { new Normal(mu, sigma), new LogNormal(mu, sigma), new Laplace(mu, 2.0), new LogNormal(mu, 0.3) })
        {
            Assert.Equal([2L, 3L, 1000L], d.Sample(2, 3).shape);
            Assert.Equal([1000L], d.Sample().shape);
            Assert.Equal([2L, 3L, 1000L], d.RSample(2, 3).shape);
            Assert.Equal([2L, 3L, 1000L], d.LogProb(d.Sample(2, 3)).shape);
        }

        // a draw's pathwise gradient through the 0-dim scale sums over the batch: ∂/∂σ Σ (μ + σε) = Σ ε
        var normal = new Normal(mu, sigma);
        var x = normal.RSample(new Generator(8, CPU), 4);
        double expected = x.detach().div(0.9).sum().item<double>();
        AssertClose(expected, autograd.grad([x.sum()], [sigma])[0].item<double>(), "∂/∂σ Σ draws");
    }

    [Fact]
    public void ExpandStillBroadcastsParametersAndDensities()
    {
        using var scope = NewDisposeScope();
        var loc = F64(Locs);
        var sigma = tensor(1.7, dtype: float64);
        var x = F64(Xs).expand(3, 5).add(F64([0.0, 1.0, -1.0]).unsqueeze(1));
        var xv = x.data<double>().ToArray();
        var positive = x.abs().add(0.1);
        var pv = positive.data<double>().ToArray();
        var cases = new (string Name, Distribution D, Func<int, double> Expected, Tensor At)[]
        {
            ("Normal(loc[5], σ[])", new Normal(loc, sigma).Expand(3, 5), k => MathNetNormal.PDFLn(Locs[k % 5], 1.7, xv[k]), x),
            ("Normal(loc[5], 2.5)", new Normal(loc, 2.5).Expand(3, 5), k => MathNetNormal.PDFLn(Locs[k % 5], 2.5, xv[k]), x),
            ("Normal(0-dim, 2.5)", new Normal(tensor(0.8, dtype: float64), 2.5).Expand(3, 5), k => MathNetNormal.PDFLn(0.8, 2.5, xv[k]), x),
            ("LogNormal(loc[5], σ[])", new LogNormal(loc, sigma).Expand(3, 5), k => MathNetLogNormal.PDFLn(Locs[k % 5], 1.7, pv[k]), positive),
            ("LogNormal(loc[5], 0.7)", new LogNormal(loc, 0.7).Expand(3, 5), k => MathNetLogNormal.PDFLn(Locs[k % 5], 0.7, pv[k]), positive),
        };
        foreach (var (name, d, expected, at) in cases)
        {
            Assert.Equal([3L, 5L], d.BatchShape);
            Assert.Equal([4L, 3L, 5L], d.Sample(4).shape);
            var lp = d.LogProb(at);
            Assert.Equal([3L, 5L], lp.shape);
            AssertElementwise(expected, lp, name);
            switch (d)
            {
                case LocationScaleDistribution ls:
                    Assert.Equal([3L, 5L], ls.Loc.shape);
                    Assert.Equal([3L, 5L], ls.Scale.shape);
                    break;
                case LogNormal ln:
                    Assert.Equal([3L, 5L], ln.Loc.shape);
                    Assert.Equal([3L, 5L], ln.Scale.shape);
                    break;
                default:
                    Assert.Fail($"{name}: unexpected type {d.GetType().Name}");
                    break;
            }
        }
    }
}
