using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Effects;

/// <summary>Arguments of a param message.</summary>
/// <param name="Init">Computes the initial (constrained) value; null when the store must already hold the parameter.</param>
/// <param name="Constraint">The domain of the parameter.</param>
/// <param name="EventDim">How many rightmost dims form one value (for plates and guides).</param>
/// <param name="Existing">A parameter owned elsewhere (an <c>nn.Module</c>'s, unconstrained), registered as is.</param>
public sealed record ParamSpec(Func<Tensor>? Init, Constraint Constraint, int? EventDim = null, TorchSharp.Modules.Parameter? Existing = null)
{
    /// <summary>
    /// For library code that never disposes or modifies the value: a real-valued parameter is
    /// served as the store's own tensor rather than a fresh alias of it. An alias costs an op and
    /// an autograd node per parameter per step, which dominates guides of many small sites.
    /// </summary>
    internal bool ShareStored { get; init; }

    /// <summary>The module holding <see cref="Existing"/> and its path there, so a store can move the module and find the parameter again.</summary>
    internal ParameterOwner? Owner { get; init; }
}
