using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// Probabilistic PCA (Tipping &amp; Bishop 1999) as a <see cref="FactorModel"/>: Z_i ~ N(0, I_K),
/// A_ij ~ N(Z_i · W_j + μ_j, σ²), with loadings W_j ~ N(0, <see cref="LoadingScale"/>² I_K) per cause
/// (site <c>loadings</c>, [m, K]), and the means μ and the noise scale σ as parameters
/// (<c>mean</c>, <c>noise_scale</c>).
/// </summary>
public sealed class ProbabilisticPca : FactorModel
{
    /// <summary>The parameter of the per-cause means μ, [m].</summary>
    public const string MeanParam = "mean";

    /// <summary>The parameter of the noise scale σ, [1].</summary>
    public const string NoiseScaleParam = "noise_scale";

    /// <summary>A PPCA of <paramref name="causes"/> causes and <paramref name="factors"/> factors.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range or <paramref name="loadingScale"/> is not positive.</exception>
    public ProbabilisticPca(int causes, int factors, double loadingScale = 1.0)
        : base(causes, factors)
    {
        if (!(loadingScale > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(loadingScale), loadingScale, "ProbabilisticPca: the loadings' prior scale must be positive.");
        }

        LoadingScale = loadingScale;
    }

    /// <summary>The prior scale of each loading.</summary>
    public double LoadingScale { get; }

    /// <inheritdoc />
    public override Constraint LatentSupport => Constraints.Real;

    /// <inheritdoc />
    protected override Distribution Entries(Tensor? z, long units, IReadOnlyDictionary<string, Tensor> perCause)
    {
        var mean = perCause[MeanParam];
        var loc = z is null ? mean.expand(units, Causes) : Project(z, perCause[LoadingsSite]).add(mean);
        return new Normal(loc, perCause[NoiseScaleParam]);
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Tensor> SampleCauseParameters(FactorData data, Device device)
    {
        var parameters = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            [MeanParam] = Param(MeanParam, () => ColumnMeans(data) ?? zeros(Causes, device: device)),
            [NoiseScaleParam] = Param(NoiseScaleParam, () => ones(1, device: device), Constraints.Positive),
        };
        if (Factors > 0)
        {
            parameters[LoadingsSite] = SampleNormalLoadings(LoadingScale, device);
        }

        return parameters;
    }
}
