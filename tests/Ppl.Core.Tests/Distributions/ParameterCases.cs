using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>A distribution built from a parameter validation must reject.</summary>
/// <param name="Name">Unique display name.</param>
/// <param name="Make">Builds the distribution (expected to throw).</param>
/// <param name="Family">The family the message must name.</param>
/// <param name="Parameter">The parameter the message must name.</param>
/// <param name="Shown">Text the message must contain: the offending value (or row).</param>
public sealed record InvalidParameterCase(string Name, Func<Distribution> Make, string Family, string Parameter, string Shown)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// The parameter-validation table: for every family, parameters outside its domain (NaN
/// everywhere; ±∞ where the domain is finite; a <c>double</c> that is not representable in the
/// distribution's dtype) and edge cases inside it that must still be accepted.
/// </summary>
internal static class ParameterCases
{
    private const double NaN = double.NaN;
    private const double Inf = double.PositiveInfinity;
    private const double NegInf = double.NegativeInfinity;

    public static IEnumerable<InvalidParameterCase> Invalid =>
    [
        // location-scale families: loc is a finite real, scale a finite positive number
        new("Normal loc NaN", () => new Normal(F(0, NaN), F(1, 1)), "Normal", "loc", "NaN"),
        new("Normal loc +inf, double scale", () => new Normal(F(Inf), 1.0), "Normal", "loc", "inf"),
        new("Normal loc -inf", () => new Normal(F(NegInf, 0), F(1, 1)), "Normal", "loc", "-inf"),
        new("Normal double loc NaN", () => new Normal(NaN, 1.0), "Normal", "loc", "NaN"),
        new("Normal double loc overflows float32", () => new Normal(1e300, 1.0), "Normal", "loc", "1E+300"),
        new("Normal scale +inf", () => new Normal(F(0, 0), F(1, Inf)), "Normal", "scale", "inf"),
        new("Normal double scale +inf", () => new Normal(F(0), Inf), "Normal", "scale", "inf"),
        new("Normal double scale 1e-50 underflows float32", () => new Normal(F(0, 0), 1e-50), "Normal", "scale", "1E-50"),
        new("Normal double scale 1e-50 underflows float32 (double loc)", () => new Normal(0.0, 1e-50), "Normal", "scale", "1E-50"),
        new("Cauchy loc NaN", () => new Cauchy(F(NaN), F(1)), "Cauchy", "loc", "NaN"),
        new("Laplace loc inf", () => new Laplace(D(Inf), 2.0), "Laplace", "loc", "inf"),
        new("Gumbel loc NaN, double scale", () => new Gumbel(F(NaN), 0.5), "Gumbel", "loc", "NaN"),
        new("Gumbel double scale 1e-50", () => new Gumbel(F(0), 1e-50), "Gumbel", "scale", "1E-50"),
        new("LogNormal loc NaN", () => new LogNormal(F(NaN), F(1)), "LogNormal", "loc", "NaN"),
        new("LogNormal loc NaN, double scale", () => new LogNormal(F(0, NaN), 1.0), "LogNormal", "loc", "NaN"),
        new("LogNormal double scale 1e-50", () => new LogNormal(F(0), 1e-50), "LogNormal", "scale", "1E-50"),
        new("LogNormal scale inf", () => new LogNormal(F(0), F(Inf)), "LogNormal", "scale", "inf"),
        new("StudentT loc NaN", () => new StudentT(F(3), F(NaN), F(1)), "StudentT", "loc", "NaN"),
        new("StudentT df inf", () => new StudentT(F(Inf), F(0), F(1)), "StudentT", "df", "inf"),
        new("StudentT double loc inf", () => new StudentT(F(3), Inf, 1.0), "StudentT", "loc", "inf"),
        new("HalfNormal scale inf", () => new HalfNormal(F(1, Inf)), "HalfNormal", "scale", "inf"),
        new("HalfCauchy scale NaN", () => new HalfCauchy(F(NaN)), "HalfCauchy", "scale", "NaN"),

        // positive parameters
        new("Gamma concentration inf", () => new Gamma(F(Inf), F(1)), "Gamma", "concentration", "inf"),
        new("Gamma rate inf", () => new Gamma(F(2), F(Inf)), "Gamma", "rate", "inf"),
        new("InverseGamma concentration inf", () => new InverseGamma(F(Inf), F(1)), "InverseGamma", "concentration", "inf"),
        new("Beta concentration1 inf", () => new Beta(F(Inf), F(1)), "Beta", "concentration1", "inf"),
        new("Beta concentration0 NaN", () => new Beta(F(1), F(NaN)), "Beta", "concentration0", "NaN"),
        new("Chi2 df inf", () => new Chi2(F(Inf)), "Chi2", "df", "inf"),
        new("Exponential rate inf", () => new Exponential(F(Inf)), "Exponential", "rate", "inf"),
        new("Weibull concentration inf", () => new Weibull(F(1), F(Inf)), "Weibull", "concentration", "inf"),
        new("Dirichlet concentration inf", () => new Dirichlet(F(1, Inf, 2)), "Dirichlet", "concentration", "inf"),
        new("LowRankMultivariateNormal covDiag inf", () => new LowRankMultivariateNormal(F(0, 0), F(1, 0).reshape(2, 1), F(1, Inf)), "LowRankMultivariateNormal", "covDiag", "inf"),

        // real vectors and matrices
        new("MultivariateNormal loc NaN", () => MultivariateNormal.FromScaleTril(F(0, NaN), eye(2)), "MultivariateNormal", "loc", "NaN"),
        new("MultivariateNormal covariance loc inf", () => MultivariateNormal.FromCovariance(F(Inf, 0), eye(2)), "MultivariateNormal", "loc", "inf"),
        new("MultivariateNormal scaleTril NaN below the diagonal", () => MultivariateNormal.FromScaleTril(F(0, 0), F(1, 0, NaN, 1).reshape(2, 2)), "MultivariateNormal", "scaleTril", "NaN"),
        new("MultivariateNormal scaleTril inf on the diagonal", () => MultivariateNormal.FromScaleTril(F(0, 0), F(1, 0, 0, Inf).reshape(2, 2)), "MultivariateNormal", "scaleTril", "inf"),
        new("LowRankMultivariateNormal loc NaN", () => new LowRankMultivariateNormal(F(NaN, 0), F(1, 0).reshape(2, 1), F(1, 1)), "LowRankMultivariateNormal", "loc", "NaN"),
        new("LowRankMultivariateNormal covFactor inf", () => new LowRankMultivariateNormal(F(0, 0), F(1, Inf).reshape(2, 1), F(1, 1)), "LowRankMultivariateNormal", "covFactor", "inf"),

        // bounded and count parameters
        new("Uniform low -inf", () => new Uniform(F(NegInf), F(0)), "Uniform", "low", "-inf"),
        new("Uniform high inf", () => new Uniform(F(0), F(Inf)), "Uniform", "high", "inf"),
        new("Uniform high NaN", () => new Uniform(F(0, 0), F(1, NaN)), "Uniform", "high", "NaN"),
        new("Poisson rate inf", () => new Poisson(F(1, Inf)), "Poisson", "rate", "inf"),
        new("Binomial totalCount inf", () => Binomial.FromProbs(F(Inf), F(0.5)), "Binomial", "totalCount", "inf"),
        new("Binomial double totalCount overflows float32", () => Binomial.FromLogits(1e300, F(0)), "Binomial", "totalCount", "inf"),
        new("NegativeBinomial totalCount inf", () => NegativeBinomial.FromProbs(F(Inf), F(0.5)), "NegativeBinomial", "totalCount", "inf"),

        // logits of two-outcome families: finite (±∞ give NaN log-masses; FromProbs takes 0 and 1)
        new("Bernoulli logits NaN", () => Bernoulli.FromLogits(F(0, NaN)), "Bernoulli", "logits", "NaN"),
        new("Bernoulli logits inf", () => Bernoulli.FromLogits(F(Inf)), "Bernoulli", "logits", "inf"),
        new("Bernoulli logits -inf", () => Bernoulli.FromLogits(F(NegInf)), "Bernoulli", "logits", "-inf"),
        new("Binomial logits NaN", () => Binomial.FromLogits(F(10), F(NaN)), "Binomial", "logits", "NaN"),
        new("Geometric logits NaN", () => Geometric.FromLogits(F(NaN)), "Geometric", "logits", "NaN"),
        new("Geometric logits inf", () => Geometric.FromLogits(F(Inf)), "Geometric", "logits", "inf"),
        new("NegativeBinomial logits NaN", () => NegativeBinomial.FromLogits(F(3), F(NaN)), "NegativeBinomial", "logits", "NaN"),
        new("RelaxedBernoulli logits NaN", () => RelaxedBernoulli.FromLogits(0.5, F(NaN)), "RelaxedBernoulli", "logits", "NaN"),
        new("RelaxedBernoulli temperature inf", () => RelaxedBernoulli.FromLogits(Inf, F(0)), "RelaxedBernoulli", "temperature", "inf"),

        // category weights: no NaN, no +∞, no negative weight, and some positive weight in every row
        new("Categorical logits NaN", () => Categorical.FromLogits(F(0, NaN, 1)), "Categorical", "logits", "NaN"),
        new("Categorical logits +inf", () => Categorical.FromLogits(F(0, Inf, 1)), "Categorical", "logits", "inf"),
        new("Categorical logits all -inf in a row", () => Categorical.FromLogits(F(0, 1, NegInf, NegInf).reshape(2, 2)), "Categorical", "logits", "row [1]"),
        new("Categorical probs all zero", () => Categorical.FromProbs(F(0, 0, 0)), "Categorical", "probs", "sum 0"),
        new("Categorical probs all zero in a row", () => Categorical.FromProbs(F(0.5, 0.5, 0, 0).reshape(2, 2)), "Categorical", "probs", "row [1]"),
        new("Categorical probs +inf", () => Categorical.FromProbs(F(1, Inf)), "Categorical", "probs", "inf"),
        new("Categorical probs NaN", () => Categorical.FromProbs(F(NaN, 1)), "Categorical", "probs", "NaN"),
        new("Categorical probs negative", () => Categorical.FromProbs(F(0.5, -0.25)), "Categorical", "probs", "-0.25"),
        new("OneHotCategorical logits NaN", () => OneHotCategorical.FromLogits(F(NaN, 0)), "OneHotCategorical", "logits", "NaN"),
        new("OneHotCategorical probs all zero", () => OneHotCategorical.FromProbs(F(0, 0)), "OneHotCategorical", "probs", "sum 0"),
        new("Multinomial logits NaN", () => Multinomial.FromLogits(5, F(0, NaN)), "Multinomial", "logits", "NaN"),
        new("Multinomial probs all zero", () => Multinomial.FromProbs(5, F(0, 0)), "Multinomial", "probs", "sum 0"),
        new("Multinomial probs +inf", () => Multinomial.FromProbs(5, F(Inf, 1)), "Multinomial", "probs", "inf"),
        new("RelaxedOneHotCategorical logits NaN", () => RelaxedOneHotCategorical.FromLogits(0.5, F(0, NaN)), "RelaxedOneHotCategorical", "logits", "NaN"),
        new("RelaxedOneHotCategorical logits -inf", () => RelaxedOneHotCategorical.FromLogits(0.5, F(0, NegInf)), "RelaxedOneHotCategorical", "logits", "-inf"),
        new("RelaxedOneHotCategorical probs zero", () => RelaxedOneHotCategorical.FromProbs(0.5, F(1, 0)), "RelaxedOneHotCategorical", "probs", "got 0"),
        new("RelaxedOneHotCategorical probs inf", () => RelaxedOneHotCategorical.FromProbs(0.5, F(1, Inf)), "RelaxedOneHotCategorical", "probs", "inf"),
        new("RelaxedOneHotCategorical double temperature 1e-50", () => RelaxedOneHotCategorical.FromLogits(1e-50, F(0, 1)), "RelaxedOneHotCategorical", "temperature", "0"),

        // point masses and factors: NaN never; +∞ log-weights never (−∞ is a weight of 0)
        new("Delta v NaN", () => new Delta(F(1, NaN)), "Delta", "v", "NaN"),
        new("Delta logDensity NaN", () => new Delta(F(1, 2), F(0, NaN)), "Delta", "logDensity", "NaN"),
        new("Delta logDensity +inf", () => new Delta(F(1, 2), F(Inf, 0)), "Delta", "logDensity", "inf"),
        new("Unit logFactor NaN", () => new Unit(F(0, NaN)), "Unit", "logFactor", "NaN"),
        new("Unit logFactor +inf", () => new Unit(F(Inf)), "Unit", "logFactor", "inf"),
    ];

    /// <summary>Parameters at the edge of their domain that validation must accept.</summary>
    public static IEnumerable<(string Name, Func<Distribution> Make)> ValidEdges =>
    [
        ("Categorical logits with -inf entries", () => Categorical.FromLogits(F(NegInf, 0, 1, NegInf, NegInf, 2).reshape(2, 3))),
        ("Categorical probs with zero entries", () => Categorical.FromProbs(F(0, 0.3, 0, 1e-30, 0, 0).reshape(2, 3))),
        ("Categorical probs whose float32 sum overflows", () => Categorical.FromProbs(F(3e38, 3e38, 1))),
        ("OneHotCategorical logits with a -inf entry", () => OneHotCategorical.FromLogits(F(NegInf, 0))),
        ("Multinomial probs with a zero entry", () => Multinomial.FromProbs(3, F(0, 1))),
        ("Normal loc whose float32 sum overflows", () => new Normal(F(3e38, 3e38), F(1, 1))),
        ("Normal float32 scale at the smallest normal", () => new Normal(F(0), 1.2e-38)),
        ("Normal float64 scale 1e-300", () => new Normal(D(0), 1e-300)),
        ("Poisson rate 0", () => new Poisson(F(0, 1))),
        ("Binomial totalCount 0", () => Binomial.FromProbs(F(0), F(0.5))),
        ("NegativeBinomial totalCount 0", () => NegativeBinomial.FromProbs(F(0), F(0.5))),
        ("Bernoulli probs 0 and 1", () => Bernoulli.FromProbs(F(0, 1))),
        ("Delta at ±inf", () => new Delta(F(Inf, NegInf))),
        ("Delta logDensity -inf", () => new Delta(F(1), F(NegInf))),
        ("Unit logFactor -inf", () => new Unit(F(NegInf, 0))),
        ("Normal float64 scale subnormal", () => new Normal(D(0), 1e-320)),
    ];

    /// <summary>A float32 vector.</summary>
    private static Tensor F(params double[] values) => tensor(values, dtype: float32);

    /// <summary>A float64 vector.</summary>
    private static Tensor D(params double[] values) => tensor(values, dtype: float64);
}
