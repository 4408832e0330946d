using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Examples.SsVaeMnist;

/// <summary>
/// The encoder q(z | x, y) of the M2 model: (pixels, one-hot digit) → hidden (softplus) → loc and
/// scale of the style z. The first layer is split into a pixel part and a digit part, which is the
/// same affine map as one layer on the concatenation [x, y] but lets the pixel part (784 × hidden,
/// the expensive one) run once per image while the digit part broadcasts over all ten digits of
/// the sum over y.
/// </summary>
public sealed class StyleEncoder : nn.Module<Tensor, Tensor, (Tensor Loc, Tensor Scale)>
{
    private readonly Linear _pixels;
    private readonly Linear _digit;
    private readonly Linear _loc;
    private readonly Linear _logScale;

    /// <summary>Creates the layers (TorchSharp's default initialization under the current global seed).</summary>
    public StyleEncoder(int pixels, int hidden, int latent, int classes = SemiSupervisedVae.Classes)
        : base(nameof(StyleEncoder))
    {
        _pixels = nn.Linear(pixels, hidden);
        _digit = nn.Linear(classes, hidden, hasBias: false);
        _loc = nn.Linear(hidden, latent);
        _logScale = nn.Linear(hidden, latent);
        RegisterComponents();
    }

    /// <summary>
    /// loc and scale of q(z | x, y); <paramref name="pixels"/> <c>[B, pixels]</c> and
    /// <paramref name="digits"/> (one-hot) broadcast against each other, e.g. <c>[10, 1, 10]</c>
    /// for every digit of every image, giving <c>[10, B, latent]</c>.
    /// </summary>
    public override (Tensor Loc, Tensor Scale) forward(Tensor pixels, Tensor digits)
    {
        var h = nn.functional.softplus(_pixels.forward(pixels).add(_digit.forward(digits)));
        return (_loc.forward(h), _logScale.forward(h).exp());
    }
}
