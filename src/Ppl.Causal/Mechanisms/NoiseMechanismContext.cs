using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// What a noise mechanism (<see cref="NoiseMechanisms.Register{TDistribution}"/>) needs besides the
/// distribution and the factual value: the world dims, the site's event dims, the generator for
/// mechanisms whose abduction draws, and the way back into the registry for a base distribution.
/// </summary>
public sealed class NoiseMechanismContext
{
    internal NoiseMechanismContext(IReadOnlyList<WorldDim> worlds, int eventDim, Generator? generator)
    {
        Worlds = worlds;
        EventDim = eventDim;
        Generator = generator;
    }

    /// <summary>The world dims the site's distribution varies along.</summary>
    public IReadOnlyList<WorldDim> Worlds { get; }

    /// <summary>The site's event dims: world dims sit left of them in every value-shaped tensor.</summary>
    public int EventDim { get; }

    /// <summary>The generator for mechanisms whose abduction draws (Gumbel-max); null uses the default one.</summary>
    public Generator? Generator { get; }

    /// <summary>
    /// The factual entry of a world-indexed parameter (<see cref="WorldTensors.Factual"/>), with
    /// <paramref name="extraEventDims"/> more dims right of the site's event dims (e.g. 1 for the
    /// categories of categorical logits).
    /// </summary>
    public Tensor Factual(Tensor worldIndexed, int extraEventDims = 0) => WorldTensors.Factual(worldIndexed, Worlds, EventDim + extraEventDims);

    /// <summary>The world-indexed value of <paramref name="distribution"/> (a wrapped or base distribution) given its factual value; null when its family has no mechanism.</summary>
    public Tensor? Push(Distribution distribution, Tensor factual) => NoiseMechanisms.Push(distribution, factual, this);
}
