using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// The standard Monte-Carlo ELBO (Pyro's <c>Trace_ELBO</c>): log p(x, z) − log q(z) at guide
/// draws. Reparameterized guide sites get pathwise gradients; the others contribute a
/// score-function term log q(z) · (ELBO, held constant), the REINFORCE estimator.
/// </summary>
public class TraceElbo : Elbo
{
    /// <inheritdoc />
    protected override (Tensor Elbo, Tensor Surrogate) ScoreParticles(ElboTraces run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var elbo = ElboTerms.LogWeight(run);
        return (elbo, ElboTerms.WithScoreFunctionTerms(run, elbo));
    }
}
