using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// The world-indexed value of a site whose worlds share its exogenous noise: the family's
/// mechanism from <see cref="NoiseMechanisms"/>, then the factual entry set to the factual value
/// exactly.
/// </summary>
internal static class SharedNoise
{
    /// <summary>
    /// The world-indexed value of a site whose distribution varies across <paramref name="worlds"/>,
    /// given its factual value <paramref name="factual"/>; the factual entry equals
    /// <paramref name="factual"/> exactly. Null when the family has no mechanism.
    /// </summary>
    /// <param name="distribution">The site's (world-indexed) distribution.</param>
    /// <param name="factual">The factual value, without world dims (or with size 1 there).</param>
    /// <param name="worlds">The world dims.</param>
    /// <param name="eventDim">The site's event dims: world dims sit left of them in every value-shaped tensor.</param>
    /// <param name="generator">For mechanisms whose abduction draws (Gumbel-max).</param>
    public static Tensor? Counterfactuals(Distribution distribution, Tensor factual, IReadOnlyList<WorldDim> worlds, int eventDim, Generator? generator)
    {
        var value = NoiseMechanisms.Push(distribution, factual, new NoiseMechanismContext(worlds, eventDim, generator));
        return value is null ? null : KeepFactualExactly(value, factual, worlds, eventDim);
    }

    private static Tensor KeepFactualExactly(Tensor value, Tensor factual, IReadOnlyList<WorldDim> worlds, int eventDim)
    {
        var mask = WorldTensors.FactualMask(value, worlds, eventDim);
        if (mask is null)
        {
            return value;
        }

        if (eventDim > 0)
        {
            mask = mask.reshape([.. mask.Shape(), .. Enumerable.Repeat(1L, eventDim)]);
        }

        var exact = factual.dtype == value.dtype ? factual : factual.to(value.dtype);
        return Kernels.IsMeta(value) ? value.add(exact.mul(0)) : torch.where(mask, exact, value);
    }
}
