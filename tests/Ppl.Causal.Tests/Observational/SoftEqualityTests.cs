using Ppl.Causal;
using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetBinomial = MathNet.Numerics.Distributions.Binomial;
using MathNetNormal = MathNet.Numerics.Distributions.Normal;
using MathNetPoisson = MathNet.Numerics.Distributions.Poisson;

namespace Ppl.Tests.Causal.Observational;

/// <summary>
/// SoftEq / SoftNeq, ported from chirho tests/observational/test_handlers.py (test_soft_boolean,
/// test_soft_interval, the Tavares et al. relaxation conditions) and checked against MathNet's
/// normal, binomial and Poisson log-densities.
/// </summary>
[Collection("Sequential")]
public sealed class SoftEqualityTests
{
    // ports test_handlers.py::test_soft_boolean
    [Fact]
    public void test_soft_boolean()
    {
        using var scope = NewDisposeScope();
        const double Scale = 0.1;
        var b1 = tensor(new[] { true, false, true, false });
        var b2 = tensor(new[] { true, true, false, false });
        var r1 = tensor(new[] { 1.0, 0.0, 1.0, 0.0 });
        var r2 = tensor(new[] { 1.0, 1.0, 0.0, 0.0 });
        var eqBool = SoftEquality.SoftEq(Constraints.Boolean, b1, b2, Scale);
        var neqBool = SoftEquality.SoftNeq(Constraints.Boolean, b1, b2, Scale);
        var eqReal = SoftEquality.SoftEq(Constraints.Boolean, r1, r2, Scale);
        var neqReal = SoftEquality.SoftNeq(Constraints.Boolean, r1, r2, Scale);
        double logP = Math.Log(Scale), log1mP = Math.Log(1 - Scale);
        AssertClose([log1mP, logP, logP, log1mP], eqReal);
        AssertClose([logP, log1mP, log1mP, logP], neqReal);

        // bool inputs score the same, in the default dtype (float32)
        AssertClose([log1mP, logP, logP, log1mP], eqBool, 1e-6);
        AssertClose([logP, log1mP, log1mP, logP], neqBool, 1e-6);
    }

    // ports test_handlers.py::test_soft_interval
    [Fact]
    public void test_soft_interval()
    {
        using var scope = NewDisposeScope();
        var support = Constraints.Interval(0, 10);
        var t1 = arange(0.5, 7.5, 0.1, dtype: float64);
        var t2 = t1.add(1);
        var t2b = t1.add(2);
        Assert.True(SoftEquality.SoftEq(support, t1, t2b, 1.0).lt(SoftEquality.SoftEq(support, t1, t2, 1.0)).all().item<bool>(), "soft_eq is not monotonic in the distance");
        Assert.True(SoftEquality.SoftNeq(support, t1, t2b, 1.0).gt(SoftEquality.SoftNeq(support, t1, t2, 1.0)).all().item<bool>(), "soft_neq is not monotonic in the distance");
        Assert.Equal(0.0, SoftEquality.SoftNeq(support, tensor(0.0, dtype: float64), tensor(10.0, dtype: float64), 1.0).item<double>());
    }

    // ports test_handlers.py::test_soft_eq_tavares_relaxation
    [Fact]
    public void test_soft_eq_tavares_relaxation()
    {
        using var scope = NewDisposeScope();
        var real = Constraints.Real;
        Assert.True(SoftEquality.SoftEq(real, tensor(1.0), tensor(1.001), 1e-10).to(float64).item<double>() < 1e-10);
        foreach (double scale in new[] { 1e6, 1e10 })
        {
            var diff = SoftEquality.SoftEq(real, tensor(1.0, dtype: float64), tensor(2.0, dtype: float64), scale);
            var same = SoftEquality.SoftEq(real, tensor(1.0, dtype: float64), tensor(1.0, dtype: float64), scale);
            Assert.True(Math.Abs(diff.item<double>() - same.item<double>()) < 1e-10);
        }

        Assert.True(SoftEquality.SoftEq(real, tensor(1.0), tensor(1.0)).to(float64).item<double>() > SoftEquality.SoftEq(real, tensor(1.0), tensor(1.001)).to(float64).item<double>());
    }

    // ports test_handlers.py::test_soft_neq_tavares_relaxation
    [Fact]
    public void test_soft_neq_tavares_relaxation()
    {
        using var scope = NewDisposeScope();
        var real = Constraints.Real;
        double minScale = 1 / Math.Sqrt(2 * Math.PI);
        var diff = SoftEquality.SoftNeq(real, tensor(1.0), tensor(1.0), minScale + 0.0001).sub(SoftEquality.SoftNeq(real, tensor(1.0), tensor(1.001), minScale + 0.0001));
        Assert.True(diff.to(float64).item<double>() < -1e8, "condition i");

        var x = tensor(0.0);
        var y = arange(-100, 100, 0.1);
        var identity = SoftEquality.SoftNeq(real, tensor(1.0), tensor(1.0), 1e10);
        Assert.True(SoftEquality.SoftNeq(real, x, y, 1e10).eq(identity).all().item<bool>(), "condition ii");

        foreach (double scale in new[] { 0.4, 1, 5, 50, 500 })
        {
            var z = tensor(new[] { -1e10 * scale, 1e10 * scale });
            var identityScore = SoftEquality.SoftNeq(real, tensor(1.0), tensor(1.0), scale);
            Assert.Equal(identityScore.to(float64).item<double>(), SoftEquality.SoftNeq(real, x, y, scale).min().to(float64).item<double>());
            double lower = 1 + (scale * 1e-3);
            Assert.True(SoftEquality.SoftNeq(real, tensor(1.0), arange(lower, 2, 0.001), scale).gt(identityScore).all().item<bool>());
            Assert.True(SoftEquality.SoftNeq(real, x, z, scale).eq(0).all().item<bool>(), "condition iii");
        }
    }

    [Fact]
    public void KernelsAreTheLogDensitiesOfTheirFamilies()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new[] { 0.0, 1.0, 2.0, 5.0 }, dtype: float64);
        var b = tensor(new[] { 0.0, 3.0, -1.0, 5.5 }, dtype: float64);
        double[] d = [0, 2, 3, 0.5];
        AssertClose([.. d.Select(v => MathNetNormal.PDFLn(0, 0.7, v))], SoftEquality.SoftEq(Constraints.Real, a, b, 0.7));
        AssertClose([.. d.Select(v => Math.Log((2 * MathNetNormal.CDF(0, 0.7, v)) - 1))], SoftEquality.SoftNeq(Constraints.Real, a, b, 0.7));

        var ia = tensor(new long[] { 0, 1, 2, 9 });
        var ib = tensor(new long[] { 0, 3, 7, 0 });
        long[] k = [0, 2, 5, 9];
        AssertClose([.. k.Select(v => MathNetBinomial.PMFLn(0.3, 10, (int)v))], SoftEquality.SoftEq(Constraints.IntegerInterval(0, 9), ia, ib, 0.3), 1e-6); // integer inputs score in float32
        AssertClose([.. k.Select(v => MathNetPoisson.PMFLn(0.3, (int)v))], SoftEquality.SoftEq(Constraints.NonNegativeInteger, ia, ib, 0.3), 1e-6);
        AssertClose([.. k.Select(v => Math.Log(1 - MathNetPoisson.PMF(0.3, (int)v)))], SoftEquality.SoftNeq(Constraints.NonNegativeInteger, ia, ib, 0.3), 1e-6);

        // independent sums the base kernel over the reinterpreted dims
        var summed = SoftEquality.SoftEq(Constraints.Independent(Constraints.Real, 1), a.reshape(2, 2), b.reshape(2, 2), 0.7);
        AssertClose([MathNetNormal.PDFLn(0, 0.7, 0) + MathNetNormal.PDFLn(0, 0.7, 2), MathNetNormal.PDFLn(0, 0.7, 3) + MathNetNormal.PDFLn(0, 0.7, 0.5)], summed);
    }

    [Fact]
    public void APositiveSupportComparesOnTheLogScaleWithTheJacobians()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new[] { 0.5, 2.0 }, dtype: float64);
        var b = tensor(new[] { 1.0, 2.0 }, dtype: float64);

        // ChiRho's rule: log N(log a − log b | 0, s²) plus the exp bijector's log-Jacobians log a and log b
        double[] expected = [.. new[] { (0.5, 1.0), (2.0, 2.0) }.Select(p => MathNetNormal.PDFLn(0, 0.4, Math.Log(p.Item1) - Math.Log(p.Item2)) + Math.Log(p.Item1) + Math.Log(p.Item2))];
        AssertClose(expected, SoftEquality.SoftEq(Constraints.Positive, a, b, 0.4));
    }

    [Fact]
    public void AnUnsupportedDiscreteSupportAndABadScaleAreRejected()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<NotSupportedException>(() => SoftEquality.SoftEq(Constraints.OneHot, tensor(new[] { 1.0, 0.0 }), tensor(new[] { 0.0, 1.0 })));
        Assert.Throws<ArgumentOutOfRangeException>(() => SoftEquality.SoftEq(Constraints.Real, tensor(1.0), tensor(1.0), 0));
    }

    private static void AssertClose(double[] expected, Tensor actual, double tolerance = 1e-10)
    {
        double[] a = actual.to(float64).data<double>().ToArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(expected[i].Equals(a[i]) || Math.Abs(expected[i] - a[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"entry {i}: {a[i]:R}, expected {expected[i]:R}");
        }
    }
}
