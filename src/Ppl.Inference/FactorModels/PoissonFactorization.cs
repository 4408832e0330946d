using Ppl.Distributions;
using Ppl.Inference.Guides;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// Poisson factorization (Gopalan, Hofman &amp; Blei 2015) as a <see cref="FactorModel"/>: nonnegative
/// factors Z_ik ~ Gamma(<see cref="Shape"/>, <see cref="Rate"/>) and loadings θ_jk ~ Gamma(<see cref="Shape"/>,
/// <see cref="Rate"/>) (site <c>loadings</c>, [m, K]), A_ij ~ Poisson(Z_i · θ_j). With no factors each
/// cause has its own rate (parameter <c>rate</c>, [m]).
/// </summary>
public sealed class PoissonFactorization : FactorModel
{
    /// <summary>The parameter of the per-cause rates when there are no factors, [m].</summary>
    public const string RateParam = "rate";

    /// <summary>A Poisson factorization of <paramref name="causes"/> causes and <paramref name="factors"/> factors with Gamma(<paramref name="shape"/>, <paramref name="rate"/>) priors (0.3, 0.3 as in Gopalan et al.).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range or a prior parameter is not positive.</exception>
    public PoissonFactorization(int causes, int factors, double shape = 0.3, double rate = 0.3)
        : base(causes, factors)
    {
        if (!(shape > 0 && rate > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), $"PoissonFactorization: the Gamma prior's shape and rate must be positive; got {shape} and {rate}.");
        }

        (Shape, Rate) = (shape, rate);
    }

    /// <summary>The Gamma priors' shape.</summary>
    public double Shape { get; }

    /// <summary>The Gamma priors' rate.</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public override Constraint LatentSupport => Constraints.Positive;

    /// <summary>
    /// The loadings start at the Poisson maximum-likelihood factorization of the causes (Lee &amp; Seung's
    /// multiplicative updates, <see cref="PoissonMatrixFactorization.Iterations"/> of them), with the
    /// units' factors scaled to the prior's mean: from the feasible point, where every loading is 1, SVI
    /// settles at a likelihood far below the maximum (on Wang &amp; Blei's GWAS simulation, 5,000 × 5,000,
    /// 170 nats per unit below). The start is drawn with the run's generator, or a fixed one in an
    /// unseeded run, so it does not move the global random stream.
    /// </summary>
    public override InitStrategy CauseInit(Tensor causes, Tensor? observed)
    {
        ArgumentNullException.ThrowIfNull(causes);
        var feasible = InitStrategies.ToFeasible();
        return Factors == 0 ? feasible : (name, distribution, generator) => name == LoadingsSite
            ? PoissonMatrixFactorization.Loadings(causes, observed, Factors, Shape / Rate, generator ?? new Generator(0, causes.device)).to(distribution.DType, distribution.Device)
            : feasible(name, distribution, generator);
    }

    /// <inheritdoc />
    protected override Distribution Entries(Tensor? z, long units, IReadOnlyDictionary<string, Tensor> perCause) =>
        new Poisson(z is null ? perCause[RateParam].expand(units, Causes) : Project(z, perCause[LoadingsSite]));

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Tensor> SampleCauseParameters(FactorData data, Device device) => new Dictionary<string, Tensor>(StringComparer.Ordinal)
    {
        [Factors == 0 ? RateParam : LoadingsSite] = Factors == 0
            ? Param(RateParam, () => ColumnMeans(data)?.clamp_min(1e-3) ?? ones(Causes, device: device), Constraints.Positive)
            : Sample(LoadingsSite, new Gamma(full(Causes, Factors, Shape, device: device), Rate).ToEvent(1)),
    };

    /// <inheritdoc />
    protected override Distribution LatentPrior(long n, Device device) => new Gamma(full(n, 1, Factors, Shape, device: device), Rate);
}
