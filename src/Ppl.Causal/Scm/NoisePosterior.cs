using Ppl.Inference;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// The result of abduction: weighted draws of an SCM's latent sites (its exogenous noise and any
/// unobserved endogenous values) given evidence. The noise of observed sites is not stored: it is
/// recovered exactly from the evidence by each site's mechanism when predicting.
/// </summary>
public sealed class NoisePosterior : IDisposable
{
    private readonly ImportanceResult _draws;

    internal NoisePosterior(ImportanceResult draws, IReadOnlyDictionary<string, Tensor> evidence, IReadOnlyList<string> latentSites)
    {
        _draws = draws;
        Evidence = evidence;
        LatentSites = latentSites;
    }

    /// <summary>The evidence the draws are conditioned on.</summary>
    public IReadOnlyDictionary<string, Tensor> Evidence { get; }

    /// <summary>The latent sample sites drawn.</summary>
    public IReadOnlyList<string> LatentSites { get; }

    /// <summary>How many draws.</summary>
    public int Draws => _draws.NumSamples;

    /// <summary>The normalized weights, shape <c>[Draws]</c> (uniform for draws from a fitted guide).</summary>
    public Tensor Weights => _draws.NormalizedWeights;

    /// <summary>Kish's effective sample size of <see cref="Weights"/>.</summary>
    public double EffectiveSampleSize => _draws.EffectiveSampleSize.to(ScalarType.Float64).item<double>();

    /// <summary>The draws of a latent site, shape <c>[Draws, ..site shape]</c>.</summary>
    public Tensor this[string site] => _draws[site];

    /// <summary>The weighted draws of a latent site: its posterior given the evidence, with mean, variance and quantiles.</summary>
    /// <exception cref="KeyNotFoundException">The site was not drawn.</exception>
    public WeightedSamples Weighted(string site) => _draws.Weighted(site);

    /// <inheritdoc />
    public void Dispose() => _draws.Dispose();
}
