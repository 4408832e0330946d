using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Examples.SsVaeMnist;

/// <summary>
/// The classifier q(y | x) of the M2 model: pixels → hidden (softplus) → ten logits. It is the
/// guide of the digit on unlabelled images, the enumeration weights of the hand-written sum over
/// digits, the auxiliary classification loss on labelled ones, and the classifier whose test
/// accuracy the example reports.
/// </summary>
public sealed class DigitClassifier : nn.Module<Tensor, Tensor>
{
    private readonly Linear _hidden;
    private readonly Linear _logits;

    /// <summary>Creates the layers (TorchSharp's default initialization under the current global seed).</summary>
    public DigitClassifier(int pixels, int hidden, int classes = SemiSupervisedVae.Classes)
        : base(nameof(DigitClassifier))
    {
        _hidden = nn.Linear(pixels, hidden);
        _logits = nn.Linear(hidden, classes);
        RegisterComponents();
    }

    /// <summary>The logits of q(y | x), shape <c>[..., classes]</c>, for pixels <c>[..., pixels]</c>.</summary>
    public override Tensor forward(Tensor input) => _logits.forward(nn.functional.softplus(_hidden.forward(input)));
}
