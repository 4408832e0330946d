using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// Probabilistic PCA (Tipping &amp; Bishop 1999) as a <see cref="FactorModel"/>: Z_i ~ N(0, I_K),
/// A_ij ~ N(Z_i · W_j + μ_j, σ²), with loadings W_j ~ N(0, <see cref="LoadingScale"/>² I_K) per cause,
/// and the means μ and the noise scale σ as parameters (<c>mean</c>, <c>noise_scale</c>).
/// </summary>
public sealed class ProbabilisticPca : FactorModel
{
    /// <summary>The site of the loadings W, [m, K].</summary>
    public const string LoadingsSite = "loadings";

    /// <summary>A PPCA of <paramref name="causes"/> causes and <paramref name="factors"/> factors.</summary>
    public ProbabilisticPca(int causes, int factors, double loadingScale = 1.0)
        : base(causes, factors)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(loadingScale);
        LoadingScale = loadingScale;
    }

    /// <summary>The prior scale of each loading.</summary>
    public double LoadingScale { get; }

    /// <inheritdoc />
    public override Distribution Entries(Tensor z, IReadOnlyDictionary<string, Tensor> perCause)
    {
        ArgumentNullException.ThrowIfNull(z);
        ArgumentNullException.ThrowIfNull(perCause);
        var mean = z.unsqueeze(-2).BatchedDot(perCause[LoadingsSite]).add(perCause["mean"]); // [n, 1, K] · [m, K] → [n, m]
        return new Normal(mean, perCause["noise_scale"]);
    }

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Tensor> SampleCauseParameters(Device device) => new Dictionary<string, Tensor>(StringComparer.Ordinal)
    {
        [LoadingsSite] = Sample(LoadingsSite, new Normal(zeros(Causes, Factors, device: device), LoadingScale).ToEvent(1)),
        ["mean"] = Param("mean", () => zeros(Causes, device: device)),
        ["noise_scale"] = Param("noise_scale", () => ones(1, device: device), Constraints.Positive),
    };

    /// <inheritdoc />
    protected override Distribution LatentPrior(long n, Device device) => new Normal(zeros(n, 1, Factors, device: device), 1.0);
}
