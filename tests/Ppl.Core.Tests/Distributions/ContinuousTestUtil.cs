using MathNet.Numerics;
using Ppl.Distributions;
using static TorchSharp.torch;
using GoodnessOfFit = Ppl.Testing.GoodnessOfFit;

namespace Ppl.Tests.Distributions;

/// <summary>Checks shared by the tests of the inverse-CDF / location-scale continuous families.</summary>
internal static class ContinuousTestUtil
{
    /// <summary>
    /// Asserts float64 log-densities of <paramref name="make"/>(θ) at <paramref name="xs"/> equal
    /// <paramref name="reference"/>(θ, x) to ~1e-10 relative, for every θ in <paramref name="grid"/>.
    /// </summary>
    public static void AssertLogProbMatches(
        IEnumerable<double[]> grid,
        Func<Tensor[], Distribution> make,
        Func<double[], double[]> xs,
        Func<double[], double, double> reference)
    {
        using var scope = NewDisposeScope();
        foreach (var theta in grid)
        {
            double[] x = xs(theta);
            var d = make([.. theta.Select(v => tensor(v, dtype: float64))]).Expand(x.Length);
            var lp = d.LogProb(tensor(x, dtype: float64)).data<double>().ToArray();
            for (int i = 0; i < x.Length; i++)
            {
                double expected = reference(theta, x[i]);
                Assert.True(
                    Math.Abs(expected - lp[i]) <= (Math.Abs(expected) * 1e-10) + 1e-12,
                    $"{d} θ = [{string.Join(", ", theta)}] x = {x[i]}: log_prob {lp[i]:R}, expected {expected:R}");
            }
        }
    }

    /// <summary>Draws 20 000 float64 values from <paramref name="make"/>() at <paramref name="seed"/> and runs a KS test against <paramref name="cdf"/>.</summary>
    public static void AssertSamplesFit(Func<Distribution> make, int seed, Func<double, double> cdf)
    {
        using var scope = NewDisposeScope();
        var d = make();
        var x = d.Sample(new Generator((ulong)seed, CPU), 20_000);
        Assert.Equal(float64, x.dtype);
        GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(x.data<double>().ToArray(), cdf), d.ToString());
    }

    /// <summary>
    /// For draws x(θ, u) from <see cref="Distribution.RSample(Generator?, long[])"/>, the pathwise
    /// derivative must equal the implicit one, −(∂F/∂θ)/(∂F/∂x), from central differences of the
    /// reference CDF F at the same draw; this holds for any sampler that inverts F.
    /// </summary>
    public static void AssertRSampleGradientMatchesCdf(double[] theta, Func<Tensor[], Distribution> make, Func<double[], double, double> cdf)
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            using var scope = NewDisposeScope();
            Tensor[] ps = [.. theta.Select(v => tensor(v, dtype: float64).requires_grad_())];
            var d = make(ps);
            Assert.True(d.HasRSample);
            var x = d.RSample(new Generator((ulong)seed, CPU));
            x.backward();
            double xv = x.item<double>();
            double hx = 1e-6 * Math.Max(1, Math.Abs(xv));
            double dFdx = (cdf(theta, xv + hx) - cdf(theta, xv - hx)) / (2 * hx);
            for (int j = 0; j < theta.Length; j++)
            {
                double h = 1e-6 * Math.Max(1, Math.Abs(theta[j]));
                double[] up = [.. theta];
                double[] down = [.. theta];
                up[j] += h;
                down[j] -= h;
                double dFdTheta = (cdf(up, xv) - cdf(down, xv)) / (2 * h);
                double expected = -dFdTheta / dFdx;
                double actual = ps[j].grad!.item<double>();
                Assert.True(
                    Math.Abs(expected - actual) <= (1e-5 * Math.Abs(expected)) + 1e-7,
                    $"{d} seed {seed} x = {xv:R}, parameter {j}: pathwise {actual:R}, implicit {expected:R}");
            }
        }
    }

    /// <summary>∫ f(x)·p(x) dx over [<paramref name="a"/>, <paramref name="b"/>] by adaptive quadrature.</summary>
    public static double Expect(Func<double, double> pdf, Func<double, double> f, double a, double b) =>
        Integrate.DoubleExponential(x => { double p = pdf(x); return p == 0 ? 0 : f(x) * p; }, a, b, 1e-13);

    /// <summary>Asserts a 0-dim float64 tensor is within a relative 1e-9 of <paramref name="expected"/>.</summary>
    public static void AssertClose(double expected, Tensor actual, string what, double rtol = 1e-9)
    {
        double a = actual.item<double>();
        Assert.True(Math.Abs(expected - a) <= (rtol * Math.Abs(expected)) + 1e-12, $"{what}: {a:R}, expected {expected:R}");
    }

    /// <summary>Asserts <paramref name="build"/> throws an <see cref="ArgumentException"/> naming the family, parameter and value.</summary>
    public static void AssertBadParameter(Func<object> build, string family, string parameter, string value)
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(build);
        Assert.Contains(family, e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{parameter}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(value, e.Message, StringComparison.Ordinal);
    }

    /// <summary>Asserts LogProb of <paramref name="value"/> under <paramref name="make"/>() throws because it is outside the support.</summary>
    public static void AssertOutsideSupport(Func<Distribution> make, double value)
    {
        using var scope = NewDisposeScope();
        var d = make();
        var e = Assert.Throws<ArgumentException>(() => d.LogProb(tensor(value, dtype: d.DType)));
        Assert.Contains("support", e.Message, StringComparison.Ordinal);
    }
}
