using Ppl.Data;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// The arguments of a <see cref="FactorModel"/> run: which units (rows) the run covers, the causes of
/// every unit, and which entries count as observed.
/// </summary>
/// <param name="Rows">The batch of units: its plate scales the run to the whole data set.</param>
/// <param name="Causes">All units' causes, [N, m] (N units, m causes); null runs the model generatively (every entry is drawn).</param>
/// <param name="Observed">Which entries of <paramref name="Causes"/> the model sees, bool [N, m]; null sees all. Held-out entries (false) are left out of the likelihood, as Pyro's <c>mask</c> does.</param>
public sealed record FactorData(MiniBatch Rows, Tensor? Causes, Tensor? Observed = null)
{
    /// <summary>All <paramref name="causes"/>' units as one batch.</summary>
    public static FactorData All(Tensor causes, Tensor? observed = null)
    {
        ArgumentNullException.ThrowIfNull(causes);
        return new FactorData(AllRows(causes.shape[0]), causes, observed);
    }

    /// <summary>One batch of all <paramref name="units"/> units, in order.</summary>
    internal static MiniBatch AllRows(long units) => new MiniBatches(units, units, shuffle: false).Epoch(0).First();
}
