using Ppl.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Examples.CompetingExpertsMnist;

/// <summary>
/// The evaluation classifier on padded 32 × 32 digits: two 3 × 3 convolutions (32 and 64 channels),
/// each followed by ReLU and 2 × 2 max pooling, a hidden layer of 128 and ten logits.
/// </summary>
internal sealed class DigitClassifier : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _first;
    private readonly Conv2d _second;
    private readonly Linear _hidden;
    private readonly Linear _out;

    /// <summary>A classifier initialized from <paramref name="seed"/>.</summary>
    public DigitClassifier(long seed)
        : base(nameof(DigitClassifier))
    {
        _first = nn.Conv2d(1, 32, 3, padding: 1);
        _second = nn.Conv2d(32, 64, 3, padding: 1);
        _hidden = nn.Linear(64 * 8 * 8, 128);
        _out = nn.Linear(128, 10);
        RegisterComponents();
        SeededInitialization.Apply(this, seed);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var x = nn.functional.max_pool2d(nn.functional.relu(_first.forward(input)), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(_second.forward(x)), 2);
        return _out.forward(nn.functional.relu(_hidden.forward(x.flatten(1))));
    }
}
