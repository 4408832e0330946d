using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// The ELBO with Rao-Blackwellized score-function terms (Pyro's <c>TraceGraph_ELBO</c>). Each
/// non-reparameterized guide site is paired only with the costs it can influence: terms of
/// sites that come after it (in the guide, and in the model from the first of its downstream
/// sites on), and within a plate they share only the term of the same element. A
/// <see cref="Baseline"/> on the site subtracts a decaying average, a learned prediction or a
/// given value from that cost. Lower variance than <see cref="TraceElbo"/>, same expectation.
/// </summary>
public sealed class TraceGraphElbo : Elbo, IDisposable
{
    private readonly Dictionary<string, Tensor> _averages = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override (Tensor Elbo, Tensor Surrogate) ScoreParticles(ElboTraces run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var layout = run.Layout;
        var elbo = ElboTerms.LogWeight(run);
        var surrogate = elbo;
        var guideSites = ElboTerms.GuideSites(run.Guide).ToList();
        var modelSites = run.Model.SampleSites.ToList();
        for (int j = 0; j < guideSites.Count; j++)
        {
            var site = guideSites[j];
            if (site.Distribution is not { HasRSample: false })
            {
                continue;
            }

            var downstreamGuide = guideSites.Skip(j).ToList();
            int firstModel = downstreamGuide
                .Select(g => modelSites.FindIndex(m => m.Name == g.Name))
                .Where(i => i >= 0)
                .DefaultIfEmpty(0)
                .Min();

            Tensor? cost = null;
            foreach (var m in modelSites.Skip(firstModel))
            {
                var t = RaoBlackwellize(m.LogProb(), m, site, layout);
                cost = cost is null ? t : cost.add(t);
            }

            foreach (var g in downstreamGuide)
            {
                var t = RaoBlackwellize(g.LogProb(), g, site, layout);
                cost = cost is null ? t.neg() : cost.sub(t);
            }

            cost = cost!.detach();
            var score = ElboTerms.ScoreLogProb(site);
            var baseline = Baseline.Of(site);
            var centered = baseline is null ? cost : cost.sub(BaselineValue(site, baseline, cost, ref surrogate, layout));
            surrogate = surrogate.add(layout.PerParticle(score.mul(centered)));
        }

        return (elbo, surrogate);
    }

    /// <summary>Frees the decaying-average baselines' state.</summary>
    public void Dispose()
    {
        foreach (var t in _averages.Values)
        {
            t.Dispose();
        }

        _averages.Clear();
    }

    /// <summary>
    /// Sums a cost term over every batch dim that is not a plate <paramref name="target"/> shares
    /// with it (the particle plate included), keeping those dims so element i of the plate meets
    /// only its own term.
    /// </summary>
    private static Tensor RaoBlackwellize(Tensor term, Site termSite, Site target, ParticleLayout layout)
    {
        var shared = new HashSet<long>();
        foreach (var frame in termSite.Plates.Where(f => f.IsVectorized))
        {
            if (target.Plates.Any(t => t.Name == frame.Name && t.Dim == frame.Dim))
            {
                shared.Add(frame.Dim!.Value);
            }
        }

        if (layout.Dim is int particleDim)
        {
            shared.Add(particleDim);
        }

        var reduce = Enumerable.Range(1, (int)term.dim()).Select(k => (long)-k).Where(d => !shared.Contains(d)).ToArray();
        return reduce.Length == 0 ? term : term.sum(reduce, keepdim: true);
    }

    private Tensor BaselineValue(Site site, Baseline baseline, Tensor cost, ref Tensor surrogate, ParticleLayout layout)
    {
        Tensor value = zeros_like(cost);
        if (baseline.Value is not null)
        {
            value = value.add(baseline.Value);
        }

        if (baseline.Neural is not null)
        {
            // the network learns to predict the cost: its squared error joins the loss (the surrogate is maximized)
            var error = baseline.Neural.sub(cost).square();
            surrogate = surrogate.sub(layout.PerParticle(error));
            value = value.add(baseline.Neural.detach());
        }

        if (baseline.UseDecayingAverage)
        {
            value = value.add(DecayingAverage(site.Name, cost, baseline.Beta));
        }

        return value;
    }

    /// <summary>The running average before this step's update (so the baseline does not see the cost it centers).</summary>
    private Tensor DecayingAverage(string name, Tensor cost, double beta)
    {
        var mean = cost.mean();
        if (!_averages.TryGetValue(name, out var average) || average.device_type != mean.device_type || average.dtype != mean.dtype)
        {
            average?.Dispose();
            average = zeros_like(mean).DetachFromDisposeScope();
            _averages[name] = average;
        }

        var used = average.clone();
        using (no_grad())
        {
            average.mul_(beta).add_(mean.mul(1 - beta));
        }

        return used;
    }
}
