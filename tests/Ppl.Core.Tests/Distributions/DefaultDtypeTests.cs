using Ppl.Distributions;
using static TorchSharp.torch;
using MathNetBernoulli = MathNet.Numerics.Distributions.Bernoulli;
using MathNetBeta = MathNet.Numerics.Distributions.Beta;
using MathNetBinomial = MathNet.Numerics.Distributions.Binomial;
using MathNetCauchy = MathNet.Numerics.Distributions.Cauchy;
using MathNetChiSquared = MathNet.Numerics.Distributions.ChiSquared;
using MathNetExponential = MathNet.Numerics.Distributions.Exponential;
using MathNetGamma = MathNet.Numerics.Distributions.Gamma;
using MathNetGeometric = MathNet.Numerics.Distributions.Geometric;
using MathNetInverseGamma = MathNet.Numerics.Distributions.InverseGamma;
using MathNetLaplace = MathNet.Numerics.Distributions.Laplace;
using MathNetLogNormal = MathNet.Numerics.Distributions.LogNormal;
using MathNetNegativeBinomial = MathNet.Numerics.Distributions.NegativeBinomial;
using MathNetNormal = MathNet.Numerics.Distributions.Normal;
using MathNetPoisson = MathNet.Numerics.Distributions.Poisson;
using MathNetStudentT = MathNet.Numerics.Distributions.StudentT;
using MathNetUniform = MathNet.Numerics.Distributions.ContinuousUniform;
using MathNetWeibull = MathNet.Numerics.Distributions.Weibull;

namespace Ppl.Tests.Distributions;

/// <summary>
/// A distribution built from plain numbers takes torch's default floating dtype: under
/// <c>set_default_dtype(float64)</c> its parameters, draws and log-densities are float64 and the
/// log-densities equal MathNet's to 1e-11 relative (float32 keeps about 7 digits, so a float32
/// computation cannot pass); under the default float32 they are float32 as before. A number mixed
/// with a tensor parameter still takes that tensor's dtype.
/// </summary>
[Collection("Sequential")]
public sealed class DefaultDtypeTests
{
    private const double Float64Tolerance = 1e-11;
    private const double Float32Tolerance = 1e-5;
    private const double Ln2 = 0.69314718055994530942;

    /// <summary>A family built from numbers only, a point of its support and MathNet's log-density there.</summary>
    public sealed record FamilyCase(string Name, Func<Distribution> FromNumbers, double X, double ExpectedLogProb)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<FamilyCase> Cases() =>
    [
        new("Normal", () => new Normal(0.7, 1.9), 1.3, MathNetNormal.PDFLn(0.7, 1.9, 1.3)),
        new("Beta", () => new Beta(2.5, 1.5), 0.35, MathNetBeta.PDFLn(2.5, 1.5, 0.35)),
        new("Cauchy", () => new Cauchy(0.3, 1.2), -0.8, MathNetCauchy.PDFLn(0.3, 1.2, -0.8)),
        new("Chi2", () => new Chi2(3.5), 2.2, MathNetChiSquared.PDFLn(3.5, 2.2)),
        new("Exponential", () => new Exponential(1.7), 0.45, MathNetExponential.PDFLn(1.7, 0.45)),
        new("Gamma", () => new Gamma(2.2, 1.3), 1.1, MathNetGamma.PDFLn(2.2, 1.3, 1.1)),
        new("Gumbel", () => new Gumbel(0.4, 1.1), 1.6, GumbelLogPdf(0.4, 1.1, 1.6)),
        new("HalfCauchy", () => new HalfCauchy(1.3), 0.9, Ln2 + MathNetCauchy.PDFLn(0, 1.3, 0.9)),
        new("HalfNormal", () => new HalfNormal(0.8), 0.6, Ln2 + MathNetNormal.PDFLn(0, 0.8, 0.6)),
        new("InverseGamma", () => new InverseGamma(2.5, 1.2), 0.7, MathNetInverseGamma.PDFLn(2.5, 1.2, 0.7)),
        new("Laplace", () => new Laplace(-0.2, 0.9), 0.5, MathNetLaplace.PDFLn(-0.2, 0.9, 0.5)),
        new("LogNormal", () => new LogNormal(0.1, 0.6), 1.4, MathNetLogNormal.PDFLn(0.1, 0.6, 1.4)),
        new("Poisson", () => new Poisson(3.3), 4, MathNetPoisson.PMFLn(3.3, 4)),
        new("StudentT", () => new StudentT(4.5, 0.2, 1.4), -1.1, MathNetStudentT.PDFLn(0.2, 1.4, 4.5, -1.1)),
        new("Uniform", () => new Uniform(-1.0, 2.5), 0.3, MathNetUniform.PDFLn(-1.0, 2.5, 0.3)),
        new("Weibull", () => new Weibull(2.0, 1.5), 1.2, MathNetWeibull.PDFLn(1.5, 2.0, 1.2)),
        new("Bernoulli.FromProbs", () => Bernoulli.FromProbs(0.3), 1, MathNetBernoulli.PMFLn(0.3, 1)),
        new("Bernoulli.FromLogits", () => Bernoulli.FromLogits(Math.Log(0.3 / 0.7)), 0, MathNetBernoulli.PMFLn(0.3, 0)),
        new("Geometric.FromProbs", () => Geometric.FromProbs(0.25), 3, MathNetGeometric.PMFLn(0.25, 3 + 1)),
        new("Geometric.FromLogits", () => Geometric.FromLogits(Math.Log(0.25 / 0.75)), 2, MathNetGeometric.PMFLn(0.25, 2 + 1)),
        new("StudentT(df)", () => new StudentT(4.5), 0.8, MathNetStudentT.PDFLn(0, 1, 4.5, 0.8)),
        new("Binomial.FromProbs", () => Binomial.FromProbs(10, 0.3), 4, MathNetBinomial.PMFLn(0.3, 10, 4)),
        new("Binomial.FromLogits", () => Binomial.FromLogits(10, Math.Log(0.3 / 0.7)), 2, MathNetBinomial.PMFLn(0.3, 10, 2)),
        // MathNet's p is the probability of one of the r events that end the experiment: 1 − probs
        new("NegativeBinomial.FromProbs", () => NegativeBinomial.FromProbs(3.5, 0.4), 5, MathNetNegativeBinomial.PMFLn(3.5, 0.6, 5)),
        new("NegativeBinomial.FromLogits", () => NegativeBinomial.FromLogits(3.5, Math.Log(0.4 / 0.6)), 1, MathNetNegativeBinomial.PMFLn(3.5, 0.6, 1)),
        new("Delta", () => new Delta(1.5), 1.5, 0.0),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Under_float64_default_numbers_give_float64_parameters_draws_and_exact_log_densities(FamilyCase c)
    {
        using var float64Default = new DefaultDtypeScope(ScalarType.Float64);
        using var scope = NewDisposeScope();
        var d = c.FromNumbers();
        Assert.Equal(ScalarType.Float64, d.DType);
        Assert.Equal(ScalarType.Float64, d.Sample(new Generator(3, CPU), 4).dtype);
        var logProb = d.LogProb(tensor(c.X, dtype: float64));
        Assert.Equal(ScalarType.Float64, logProb.dtype);
        double actual = logProb.item<double>();
        Assert.True(
            Math.Abs(actual - c.ExpectedLogProb) <= Float64Tolerance * Math.Max(1, Math.Abs(c.ExpectedLogProb)),
            $"{c.Name}: log p({c.X}) = {actual:R}, MathNet {c.ExpectedLogProb:R}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Under_the_float32_default_numbers_give_float32_as_before(FamilyCase c)
    {
        Assert.Equal(ScalarType.Float32, get_default_dtype());
        using var scope = NewDisposeScope();
        var d = c.FromNumbers();
        Assert.Equal(ScalarType.Float32, d.DType);
        Assert.Equal(ScalarType.Float32, d.Sample(new Generator(3, CPU), 4).dtype);
        var logProb = d.LogProb(tensor(c.X, dtype: float32));
        Assert.Equal(ScalarType.Float32, logProb.dtype);
        double actual = logProb.item<float>();
        Assert.True(
            Math.Abs(actual - c.ExpectedLogProb) <= Float32Tolerance * Math.Max(1, Math.Abs(c.ExpectedLogProb)),
            $"{c.Name}: log p({c.X}) = {actual:R}, MathNet {c.ExpectedLogProb:R}");
    }

    [Fact]
    public void A_number_next_to_a_tensor_parameter_takes_the_tensor_dtype()
    {
        using var float64Default = new DefaultDtypeScope(ScalarType.Float64);
        using var scope = NewDisposeScope();
        Assert.Equal(ScalarType.Float32, new Normal(tensor(0.7f), 1.9).DType);
        Assert.Equal(ScalarType.Float32, new Gamma(tensor(2.2f), 1.3).Sample(new Generator(3, CPU), 2).dtype);
        Assert.Equal(ScalarType.Float32, Binomial.FromProbs(10, tensor(0.3f)).LogProb(tensor(4f)).dtype);
    }

    [Fact]
    public void Relaxed_bernoulli_from_numbers_follows_the_default_dtype()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(ScalarType.Float32, RelaxedBernoulli.FromProbs(0.5, 0.3).RSample(new Generator(3, CPU), 2).dtype);
        using var float64Default = new DefaultDtypeScope(ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, RelaxedBernoulli.FromProbs(0.5, 0.3).RSample(new Generator(3, CPU), 2).dtype);
        Assert.Equal(ScalarType.Float64, RelaxedBernoulli.FromLogits(0.5, -0.2).LogProb(tensor(0.4, dtype: float64)).dtype);
    }

    private static double GumbelLogPdf(double loc, double scale, double x)
    {
        double z = (x - loc) / scale;
        return -Math.Log(scale) - z - Math.Exp(-z);
    }
}
