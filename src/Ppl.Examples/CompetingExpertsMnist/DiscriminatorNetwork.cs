using Ppl.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Examples.CompetingExpertsMnist;

/// <summary>
/// The paper's discriminator on 32 × 32 images: 3 × 3 convolutions of 16, 16 channels, 2 × 2 average
/// pooling, 32, 32, pooling, 64, 64, pooling, a fully connected layer of 1,024 and one output, ELU
/// between. It returns the logit; the sigmoid is the Bernoulli likelihood's
/// (<see cref="Ppl.Causal.IndependentMechanisms.CompetingExperts"/>), which is the paper's D = σ(logit).
/// </summary>
internal sealed class DiscriminatorNetwork : nn.Module<Tensor, Tensor>
{
    private static readonly int[] Channels = [16, 16, 32, 32, 64, 64];
    private readonly ModuleList<Conv2d> _convolutions = new();
    private readonly Linear _hidden;
    private readonly Linear _out;

    /// <summary>A discriminator initialized from <paramref name="seed"/>.</summary>
    public DiscriminatorNetwork(long seed)
        : base(nameof(DiscriminatorNetwork))
    {
        int inputs = 1;
        foreach (int channels in Channels)
        {
            _convolutions.Add(nn.Conv2d(inputs, channels, 3, padding: 1));
            inputs = channels;
        }

        _hidden = nn.Linear(64 * 4 * 4, 1024);
        _out = nn.Linear(1024, 1);
        RegisterComponents();
        SeededInitialization.Apply(this, seed);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var x = input;
        for (int layer = 0; layer < Channels.Length; layer++)
        {
            x = nn.functional.elu(_convolutions[layer].forward(x), 1.0, false);
            if (layer % 2 == 1)
            {
                x = nn.functional.avg_pool2d(x, 2);
            }
        }

        return _out.forward(nn.functional.elu(_hidden.forward(x.flatten(1)), 1.0, false)).reshape(-1);
    }
}
