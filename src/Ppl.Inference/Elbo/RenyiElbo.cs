using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// The Rényi α-divergence bound (Li &amp; Turner 2016; Pyro's <c>RenyiELBO</c>):
/// L_α = 1/(1 − α) · log mean_k exp((1 − α)·w_k) over <see cref="Elbo.NumParticles"/> particles
/// with log-weights w_k = log p(x, z_k) − log q(z_k). α = 0 gives the importance-weighted
/// (IWAE) bound, which tightens as particles are added; α → 1 would be the ELBO
/// (use <see cref="TraceElbo"/> for that). The surrogate weighs each particle's pathwise
/// gradient by its normalized weight and pairs non-reparameterized sites with L_α itself.
/// </summary>
public sealed class RenyiElbo : Elbo
{
    /// <summary>The bound of order <paramref name="alpha"/> (0 by default: the IWAE bound).</summary>
    /// <exception cref="ArgumentException"><paramref name="alpha"/> is 1 or not finite.</exception>
    public RenyiElbo(double alpha = 0)
    {
        if (alpha == 1 || !double.IsFinite(alpha))
        {
            throw new ArgumentException($"RenyiElbo: alpha must be finite and not 1 (α = 1 is the ELBO: use TraceElbo), got {alpha}.", nameof(alpha));
        }

        Alpha = alpha;
    }

    /// <summary>The order α of the divergence.</summary>
    public double Alpha { get; }

    /// <inheritdoc />
    protected override (Tensor Loss, Tensor Surrogate) Score(IReadOnlyList<ElboTraces> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var weights = new List<Tensor>();
        var scores = new List<Tensor>();
        foreach (var run in runs)
        {
            var (w, s) = ScoreParticles(run);
            weights.Add(w.reshape(-1));
            scores.Add(s.reshape(-1));
        }

        var logWeights = cat(weights, 0);
        var scoreSum = cat(scores, 0);
        double count = logWeights.Shape()[0];
        var scaled = logWeights.mul(1 - Alpha);

        // log-mean-exp through the maximum, which also runs on the meta device
        var shift = scaled.detach().amax([0], keepdim: true);
        var logMean = scaled.sub(shift).exp().mean().log().add(shift.squeeze(0));
        var bound = logMean.div(1 - Alpha);

        var normalized = scaled.detach().sub(shift).exp();
        normalized = normalized.div(normalized.sum());
        var surrogate = normalized.mul(logWeights).sum().add(scoreSum.mul(bound.detach()).sum());
        return (bound.neg(), surrogate.neg());
    }

    /// <summary>Per particle: the log-weight and the sum of its non-reparameterized sites' score log q.</summary>
    protected override (Tensor Elbo, Tensor Surrogate) ScoreParticles(ElboTraces run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var logWeight = ElboTerms.LogWeight(run);
        var score = zeros_like(logWeight);
        foreach (var site in ElboTerms.NonReparameterized(run.Guide))
        {
            score = score.add(run.Layout.PerParticle(ElboTerms.ScoreLogProb(site)));
        }

        return (logWeight, score);
    }
}
