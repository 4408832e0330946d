using System.Globalization;
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
        // exp(lw − max) / Σ: the largest weight is exactly 1 before the division, so equal log-weights
        // give equal weights summing to 1; exp(lw − logTotal) inherits logTotal's rounding, which for
        // float32 log-weights of a large data set (|lw| ~ 10⁵, a float32 step of 0.01) scales every weight
        var shifted = logWeights.sub(logWeights.amax([0L], keepdim: true)).exp();
        NormalizedWeights = shifted.div(shifted.sum());
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
    /// <exception cref="KeyNotFoundException">The site was not kept.</exception>
    public Tensor Mean(string site) => Weighted(site).Mean();

    /// <summary>
    /// The draws of <paramref name="site"/> with the normalized weights: the weighted posterior of the
    /// site, with its mean, variance, quantiles and effective sample size (see <see cref="WeightedSamples"/>).
    /// Its tensors are the result's.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The site was not kept.</exception>
    public WeightedSamples Weighted(string site) => WeightedSamples.FromNormalized(this[site], NormalizedWeights);

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

    /// <summary>
    /// The number of draws, the log evidence, the effective sample size (Kish's, of the importance
    /// weights) and a table of each kept site's weighted posterior mean and sd, at most four elements
    /// per site; invariant culture. Copies those few numbers to the host.
    /// </summary>
    public override string ToString()
    {
        if (Distributions.Kernels.IsMeta(LogWeights))
        {
            return string.Create(CultureInfo.InvariantCulture, $"ImportanceResult: {NumSamples} draws (meta: no values)");
        }

        using var scope = NewDisposeScope();
        double ess = EffectiveSampleSize.to(ScalarType.Float64).item<double>();
        var table = new SummaryTable(["mean", "sd"]);
        foreach (var (name, values) in _values)
        {
            var weighted = Weighted(name);
            table.AddSite(name, values.shape.AsSpan(1), weighted.Mean(), weighted.StandardDeviation());
        }

        return string.Create(CultureInfo.InvariantCulture, $"ImportanceResult: {NumSamples} draws, log evidence {TensorFormat.Number(LogEvidence.to(ScalarType.Float64).item<double>(), 6)}, "
            + $"ESS {TensorFormat.Number(ess, 6)} ({TensorFormat.Number(100 * ess / NumSamples, 3)}% of the draws; Kish's, of the importance weights)\n")
            + table;
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
