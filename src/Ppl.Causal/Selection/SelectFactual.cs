using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Counts log-densities in the factual world only (ChiRho's <c>SelectFactual</c>): index 0 along
/// every world index. Useful to condition, or add a factor, in the factual world alone.
/// </summary>
public sealed class SelectFactual : WorldSelectionMessenger
{
    /// <inheritdoc />
    protected override Tensor Keep(Tensor factual) => factual;
}
