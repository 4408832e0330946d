using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// The logistic (Bernoulli-logit, or binomial-logit) factor model as a <see cref="FactorModel"/>:
/// Z_i ~ N(0, I_K), A_ij ~ Binomial(<see cref="Trials"/>, σ(Z_i · θ_j + b_j)), with loadings
/// θ_j ~ N(0, <see cref="LoadingScale"/>² I_K) (site <c>loadings</c>, [m, K]) and the per-cause
/// biases b as a parameter (<c>bias</c>, [m]). One trial models binary causes (who is cast in a film);
/// two model genotypes (0, 1 or 2 copies of an allele), as logistic factor analysis does (Hao, Song
/// &amp; Storey 2016).
/// </summary>
public sealed class LogisticFactorModel : FactorModel
{
    /// <summary>The parameter of the per-cause biases b, [m].</summary>
    public const string BiasParam = "bias";

    /// <summary>A logistic factor model of <paramref name="causes"/> causes, <paramref name="factors"/> factors and <paramref name="trials"/> trials per entry.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range or <paramref name="loadingScale"/> is not positive.</exception>
    public LogisticFactorModel(int causes, int factors, int trials = 1, double loadingScale = 1.0)
        : base(causes, factors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        if (!(loadingScale > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(loadingScale), loadingScale, "LogisticFactorModel: the loadings' prior scale must be positive.");
        }

        Trials = trials;
        LoadingScale = loadingScale;
    }

    /// <summary>Trials per entry: 1 for binary causes.</summary>
    public int Trials { get; }

    /// <summary>The prior scale of each loading.</summary>
    public double LoadingScale { get; }

    /// <inheritdoc />
    public override Constraint LatentSupport => Constraints.Real;

    /// <inheritdoc />
    protected override Distribution Entries(Tensor? z, long units, IReadOnlyDictionary<string, Tensor> perCause)
    {
        var bias = perCause[BiasParam];
        var logits = z is null ? bias.expand(units, Causes) : Project(z, perCause[LoadingsSite]).add(bias);
        return Trials == 1 ? Bernoulli.FromLogits(logits) : Binomial.FromLogits(Trials, logits);
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Tensor> SampleCauseParameters(FactorData data, Device device)
    {
        var parameters = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            [BiasParam] = Param(BiasParam, () => ColumnMeans(data) is { } means ? Logit(means.div(Trials).clamp(1e-3, 1 - 1e-3)) : zeros(Causes, device: device)), // the margins' log-odds
        };
        if (Factors > 0)
        {
            parameters[LoadingsSite] = SampleNormalLoadings(LoadingScale, device);
        }

        return parameters;
    }

    /// <summary>log(p / (1 − p)) by ops that also run on the meta device (<c>logit</c> has no meta kernel).</summary>
    private static Tensor Logit(Tensor p) => p.log().sub(p.neg().log1p());
}
