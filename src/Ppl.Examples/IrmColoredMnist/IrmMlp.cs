using Ppl.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Examples.IrmColoredMnist;

/// <summary>
/// The authors' classifier: 2 × 14 × 14 inputs (or, grayscale, the two channels summed: 14 × 14) → h →
/// h → 1 logit with ReLU, Xavier-uniform weights and zero biases.
/// </summary>
internal sealed class IrmMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear _first;
    private readonly Linear _second;
    private readonly Linear _out;
    private readonly bool _grayscale;

    /// <summary>A classifier with <paramref name="hidden"/> units per layer, initialized from <paramref name="seed"/>.</summary>
    public IrmMlp(int hidden, bool grayscale, long seed)
        : base(nameof(IrmMlp))
    {
        _grayscale = grayscale;
        int inputs = (grayscale ? 1 : 2) * 14 * 14;
        _first = nn.Linear(inputs, hidden);
        _second = nn.Linear(hidden, hidden);
        _out = nn.Linear(hidden, 1);
        RegisterComponents();

        // the default draws first, then Glorot-uniform, as the reference code's re-initialization does
        using var generator = new Generator(unchecked((ulong)seed));
        SeededInitialization.Apply(this, generator);
        using var noGrad = no_grad();
        foreach (var layer in new[] { _first, _second, _out })
        {
            var weight = layer.weight!;
            double bound = Math.Sqrt(3.0) * Math.Sqrt(2.0 / (weight.shape[0] + weight.shape[1]));
            weight.uniform_(-bound, bound, generator);
            layer.bias!.zero_();
        }
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        long n = input.shape[0];
        var flat = _grayscale ? input.reshape(n, 2, 14 * 14).sum([1L]) : input.reshape(n, 2 * 14 * 14);
        return _out.forward(nn.functional.relu(_second.forward(nn.functional.relu(_first.forward(flat)))));
    }
}
