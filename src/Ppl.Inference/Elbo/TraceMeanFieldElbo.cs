using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// The ELBO with analytic KL terms (Pyro's <c>TraceMeanField_ELBO</c>): wherever a guide site and
/// its model site have a registered closed form (<see cref="KL.HasClosedForm"/>), the Monte-Carlo
/// term log p(z) − log q(z) is replaced by −KL(q ‖ p), which has lower variance. Other sites
/// are estimated as in <see cref="TraceElbo"/>. The KL of a site is taken at the guide's draws of
/// the other latents, so the estimate is unbiased only when, for every such site z, the model's
/// parents of z are not drawn in the guide from z (Pyro's mean-field condition; it always holds
/// when the guide factorizes over the latents, or has the model's dependency structure). When
/// the guide draws a parent of z from z, the expectation of the KL term is not the expectation
/// of log p(z) − log q(z) and the estimate is biased. Pyro's check is sufficient, not necessary:
/// a guide that visits the shared sites in another order than the model gets a warning
/// ("Failed to verify mean field restriction on the guide"); use <see cref="TraceElbo"/> for such
/// a guide, or draw its sites in the model's order.
/// </summary>
public sealed class TraceMeanFieldElbo : Elbo
{
    /// <inheritdoc />
    protected override (Tensor Elbo, Tensor Surrogate) ScoreParticles(ElboTraces run)
    {
        ArgumentNullException.ThrowIfNull(run);
        MeanFieldOrder.WarnIfDifferent(run.Model, run.Guide);
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

        Tensor rest;
        using (ElboTerms.Preimages(run))
        {
            rest = ElboTerms.Sum(run.Model, run.Model.SampleSites.Where(s => !analytic.Contains(s.Name)), layout)
                .sub(ElboTerms.Sum(run.Guide, ElboTerms.GuideSites(run.Guide).Where(s => !analytic.Contains(s.Name)), layout));
        }

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
