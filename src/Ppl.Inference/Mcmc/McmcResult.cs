using static TorchSharp.torch;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// The draws of an MCMC run: every latent site's constrained values [chains, draws, site shape], the
/// unconstrained positions, and each transition's statistics. Owns its tensors.
/// </summary>
public sealed class McmcResult : IDisposable
{
    private readonly Dictionary<string, Tensor> _samples;

    internal McmcResult(Dictionary<string, Tensor> samples, Tensor positions, TransitionStats[][] warmup, TransitionStats[][] sampling, double[] stepSizes, double[][] inverseMetrics)
    {
        _samples = samples;
        Positions = positions;
        WarmupStats = warmup;
        SampleStats = sampling;
        StepSizes = stepSizes;
        InverseMetrics = inverseMetrics;
    }

    /// <summary>Each latent site's draws, [chains, draws, site shape].</summary>
    public IReadOnlyDictionary<string, Tensor> Samples => _samples;

    /// <summary>The unconstrained positions, [chains, draws, D].</summary>
    public Tensor Positions { get; }

    /// <summary>The number of chains.</summary>
    public int Chains => SampleStats.Count;

    /// <summary>Kept draws per chain.</summary>
    public int Draws => SampleStats.Count == 0 ? 0 : SampleStats[0].Length;

    /// <summary>Each warm-up transition's statistics, by chain.</summary>
    public IReadOnlyList<TransitionStats[]> WarmupStats { get; }

    /// <summary>Each kept transition's statistics, by chain.</summary>
    public IReadOnlyList<TransitionStats[]> SampleStats { get; }

    /// <summary>Each chain's adapted step size.</summary>
    public IReadOnlyList<double> StepSizes { get; }

    /// <summary>Each chain's adapted inverse metric: D entries (diagonal) or D × D row-major (dense).</summary>
    public IReadOnlyList<double[]> InverseMetrics { get; }

    /// <summary>Divergent transitions after warm-up, over all chains.</summary>
    public int Divergences => SampleStats.Sum(chain => chain.Count(s => s.Divergent));

    /// <summary>
    /// The draws of every site with the chains pooled: [chains · draws, site shape], the layout
    /// <see cref="Predictive{TArgs}"/> takes as posterior samples.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> PooledSamples() =>
        _samples.ToDictionary(p => p.Key, p => p.Value.flatten(0, 1), StringComparer.Ordinal);

    /// <summary>
    /// Per site and element: mean, standard deviation, 5 / 50 / 95 % quantiles, bulk and tail effective
    /// sample sizes and R̂ (Stan's rank-normalized definitions, <see cref="McmcDiagnostics"/>).
    /// </summary>
    public McmcSummary Summary() => McmcSummary.Of(this);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _samples.Values)
        {
            t.Dispose();
        }

        Positions.Dispose();
    }
}
