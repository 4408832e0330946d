using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Counts log-densities in the counterfactual worlds only (ChiRho's <c>SelectCounterfactual</c>):
/// every world but the factual one. Outside any world handler there is only the factual world, so
/// every site is masked out.
/// </summary>
public sealed class SelectCounterfactual : WorldSelectionMessenger
{
    /// <inheritdoc />
    protected override Tensor Keep(Tensor factual) => factual.logical_not();
}
