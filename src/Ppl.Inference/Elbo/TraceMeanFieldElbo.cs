using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// The ELBO with analytic KL terms (Pyro's <c>TraceMeanField_ELBO</c>): wherever a guide site and
/// its model site have a registered closed form (<see cref="KL.HasClosedForm"/>), the Monte-Carlo
/// term log p(z) − log q(z) is replaced by −KL(q ‖ p), which has lower variance. Other sites
/// are estimated as in <see cref="TraceElbo"/>. Exact when the model's prior of each such site
/// does not depend on other latents (the mean-field condition); otherwise the KL is taken at the
/// guide's draws of its parents, which is still an unbiased estimate.
/// </summary>
public sealed class TraceMeanFieldElbo : Elbo
{
    /// <inheritdoc />
    protected override (Tensor Elbo, Tensor Surrogate) ScoreParticles(ElboTraces run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var layout = run.Layout;
        var analytic = new HashSet<string>(StringComparer.Ordinal);
        Tensor? elbo = null;
        foreach (var guideSite in run.Guide.LatentSites)
        {
            if (run.Model.TryGetSite(guideSite.Name, out var modelSite) && modelSite.IsLatent
                && guideSite.Distribution is { } q && modelSite.Distribution is { } p && KL.HasClosedForm(q, p))
            {
                var kl = layout.PerParticle(ElboTerms.ScaleAndMask(modelSite, KL.Divergence(q, p)));
                elbo = elbo is null ? kl.neg() : elbo.sub(kl);
                analytic.Add(guideSite.Name);
            }
        }

        var rest = ElboTerms.Sum(run.Model, run.Model.SampleSites.Where(s => !analytic.Contains(s.Name)), layout)
            .sub(ElboTerms.Sum(run.Guide, run.Guide.LatentSites.Where(s => !analytic.Contains(s.Name)), layout));
        elbo = elbo is null ? rest : elbo.add(rest);
        var surrogate = elbo;
        var cost = elbo.detach();
        foreach (var site in ElboTerms.NonReparameterized(run.Guide))
        {
            surrogate = surrogate.add(layout.PerParticle(ElboTerms.ScoreLogProb(site)).mul(cost));
        }

        return (elbo, surrogate);
    }
}
