using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Examples.SsVaeMnist;

/// <summary>
/// The decoder of the M2 model, p(x | y, z): (style, one-hot digit) → hidden (softplus) → Bernoulli
/// logits of every pixel. As in <see cref="StyleEncoder"/> the first layer is split into a style
/// part and a digit part (the same map as one layer on [z, y]) so the digit broadcasts.
/// </summary>
public sealed class DigitDecoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear _style;
    private readonly Linear _digit;
    private readonly Linear _logits;

    /// <summary>Creates the layers (TorchSharp's default initialization under the current global seed).</summary>
    public DigitDecoder(int latent, int hidden, int pixels, int classes = SemiSupervisedVae.Classes)
        : base(nameof(DigitDecoder))
    {
        _style = nn.Linear(latent, hidden);
        _digit = nn.Linear(classes, hidden, hasBias: false);
        _logits = nn.Linear(hidden, pixels);
        RegisterComponents();
    }

    /// <summary>Pixel logits for styles <c>[..., latent]</c> and one-hot digits that broadcast against them.</summary>
    public override Tensor forward(Tensor style, Tensor digits) =>
        _logits.forward(nn.functional.softplus(_style.forward(style).add(_digit.forward(digits))));
}
