using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// The weighted draws of one <see cref="Importance{TArgs}.Run"/>: log-weights, the evidence
/// estimate, the effective sample size, and the model's latent and deterministic site values
/// with a leading draw dim, for weighted posterior summaries.
/// </summary>
/// <remarks>
/// Its tensors belong to the dispose scope <c>Run</c> was called in and go with it; disposing
/// the result releases them earlier. Tensors its methods return are new tensors of the scope
/// they are called in. Everything is computed with tensor ops only (no host sync), so a run on
/// the meta device gives shape-correct results.
/// </remarks>
public sealed class ImportanceResult : IDisposable
{
    private readonly Dictionary<string, Tensor> _values;

    internal ImportanceResult(Tensor logWeights, Dictionary<string, Tensor> values)
    {
        LogWeights = logWeights;
        _values = values;
        NumSamples = checked((int)logWeights.Shape()[0]);

        // log-mean-exp with an amax shift (Kernels.LogSumExp), which also runs on meta
        var logTotal = Distributions.Kernels.LogSumExp(logWeights, 0);
        LogEvidence = logTotal.sub(Math.Log(NumSamples));
        NormalizedWeights = logWeights.sub(logTotal).exp();
        EffectiveSampleSize = NormalizedWeights.square().sum().reciprocal();
        EffectiveSampleSizeFraction = EffectiveSampleSize.div(NumSamples);
    }

    /// <summary>Number of draws.</summary>
    public int NumSamples { get; }

    /// <summary>log p(x, z) − log q(z) of each draw, shape <c>[NumSamples]</c>.</summary>
    public Tensor LogWeights { get; }

    /// <summary>The weights normalized to sum to 1, shape <c>[NumSamples]</c>.</summary>
    public Tensor NormalizedWeights { get; }

    /// <summary>log of the mean weight: the estimate of the log evidence log p(x) (0-dim).</summary>
    public Tensor LogEvidence { get; }

    /// <summary>(Σw)² / Σw², between 1 and <see cref="NumSamples"/> (0-dim).</summary>
    public Tensor EffectiveSampleSize { get; }

    /// <summary><see cref="EffectiveSampleSize"/> / <see cref="NumSamples"/> (0-dim).</summary>
    public Tensor EffectiveSampleSizeFraction { get; }

    /// <summary>The names of the kept sites (the model's latent and deterministic sites).</summary>
    public IReadOnlyCollection<string> Sites => _values.Keys;

    /// <summary>The draws of <paramref name="site"/>, shape <c>[NumSamples, ..site shape]</c> (owned by the result).</summary>
    /// <exception cref="KeyNotFoundException">The site was not kept.</exception>
    public Tensor this[string site] => _values.TryGetValue(site, out var v)
        ? v
        : throw new KeyNotFoundException($"No site '{site}' in the importance draws; sites: {string.Join(", ", _values.Keys)}.");

    /// <summary>The weighted posterior mean of <paramref name="site"/>, shape of the site.</summary>
    public Tensor Mean(string site)
    {
        var values = this[site];
        bool floating = values.dtype is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;
        var weights = floating ? NormalizedWeights.to(values.dtype) : NormalizedWeights;
        var shaped = weights.reshape([NumSamples, .. Enumerable.Repeat(1L, (int)values.dim() - 1)]);
        return values.to(weights.dtype).mul(shaped).sum([0L]); // sum(0) would bind to sum(ScalarType)
    }

    /// <summary>
    /// <paramref name="numDraws"/> indices drawn with replacement in proportion to the weights,
    /// shape <c>[numDraws]</c>.
    /// </summary>
    public Tensor ResampleIndices(int numDraws, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numDraws, 1);

        // inverse CDF: memory linear in draws + samples (a Gumbel-max draw would need draws × samples)
        var cdf = NormalizedWeights.cumsum(0L);
        var u = torch.rand(numDraws, dtype: cdf.dtype, device: cdf.device, generator: generator).mul(cdf[-1]);
        if (Distributions.Kernels.IsMeta(cdf))
        {
            return u.to(ScalarType.Int64); // searchsorted has no meta kernel; the shape is what meta is for
        }

        return torch.searchsorted(cdf, u, right: true).clamp_max(NumSamples - 1);
    }

    /// <summary>
    /// <paramref name="numDraws"/> joint draws from the weighted empirical posterior: every kept
    /// site at the same resampled indices, each <c>[numDraws, ..site shape]</c>.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Resample(int numDraws, Generator? generator = null)
    {
        var index = TensorIndex.Tensor(ResampleIndices(numDraws, generator));
        return _values.ToDictionary(kv => kv.Key, kv => kv.Value[index], StringComparer.Ordinal);
    }

    /// <summary>Releases the result's tensors now instead of with their dispose scope.</summary>
    public void Dispose()
    {
        foreach (var t in Owned())
        {
            t.Dispose();
        }
    }

    internal void MoveToOuterDisposeScope()
    {
        foreach (var t in Owned())
        {
            t.MoveToOuterDisposeScope();
        }
    }

    private IEnumerable<Tensor> Owned() =>
        _values.Values.Append(LogWeights).Append(NormalizedWeights).Append(LogEvidence).Append(EffectiveSampleSize).Append(EffectiveSampleSizeFraction);
}
