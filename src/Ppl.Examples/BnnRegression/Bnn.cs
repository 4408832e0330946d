using Ppl.Modules;
using static TorchSharp.torch;

namespace Ppl.Examples.BnnRegression;

/// <summary>
/// A Bayesian network 1 → <c>width</c> → 1 whose hidden units are half tanh, half ReLU: under a
/// mean-field guide, bounded units carry the uncertainty between clusters of data and unbounded
/// ones the uncertainty beyond the data (a network of either kind alone shows only one of the
/// two; measured in docs/examples/bnn-regression.md). Every weight and bias is a
/// random attribute with a Normal(0, <c>priorScale</c>) prior. Declaring it is the whole of the
/// Bayesian part: the model runs it, and AutoNormal sees its 2·width + width + 1 weights as latents.
/// </summary>
internal sealed class Bnn : PplModule<Tensor, Tensor>
{
    private readonly PplLinear hidden;
    private readonly PplLinear output;

    public Bnn(int width, double priorScale)
        : base(nameof(Bnn))
    {
        hidden = new PplLinear(1, width).WithNormalPriors(priorScale);
        output = new PplLinear(width, 1).WithNormalPriors(priorScale);
        RegisterComponents();
    }

    /// <summary>The regression function at inputs [n, 1]: [n].</summary>
    protected override Tensor Compute(Tensor input) => output.forward(Mixed(hidden.forward(input))).squeeze(-1);

    /// <summary>tanh on the first half of the hidden units, ReLU on the rest.</summary>
    private static Tensor Mixed(Tensor h)
    {
        long half = h.shape[^1] / 2;
        return cat([h.narrow(-1, 0, half).tanh(), h.narrow(-1, half, h.shape[^1] - half).relu()], -1);
    }
}
