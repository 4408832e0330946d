using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Modules;

/// <summary>
/// Declares a learnable attribute of a <see cref="PplModule{TIn, TOut}"/> with a constraint (Pyro's
/// <c>PyroParam</c>). The module keeps the value unconstrained, as its own parameter
/// <c>{name}_unconstrained</c> (so TorchSharp optimizers, <c>to</c> and <c>state_dict</c> see it), and
/// <see cref="PplModule{TIn, TOut}.Get"/> reads it constrained; inside a model the read is a param
/// site that a <see cref="Params.ParamStore"/> serves and an optimizer trains.
/// </summary>
/// <param name="Init">The initial (constrained) value; it must lie in <paramref name="Constraint"/>. Copied, never aliased.</param>
/// <param name="Constraint">The domain of the value; all reals when null.</param>
/// <param name="EventDim">How many rightmost dims form one value (as for <see cref="Primitives.Param(string, Tensor, Constraint?, int?)"/>).</param>
public sealed record PplParam(Tensor Init, Constraint? Constraint = null, int? EventDim = null);
