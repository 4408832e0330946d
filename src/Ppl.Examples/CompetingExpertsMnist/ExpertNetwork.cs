using Ppl.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Examples.CompetingExpertsMnist;

/// <summary>
/// The paper's expert: a fully convolutional net of five 3 × 3 convolutions (padding 1, so 32 × 32 in,
/// 32 × 32 out), <c>filters</c> channels on the hidden layers with batch normalization and ELU, and a
/// sigmoid on the one-channel output (about 28,000 parameters with 32 filters).
/// </summary>
/// <remarks>
/// The output convolution computes a block of <see cref="OneDnnConvolutions.ChannelBlock"/> channels and
/// the expert uses the first: libtorch's oneDNN gets the input gradient of a one-channel convolution
/// wrong (<see cref="OneDnnConvolutions"/>), and whole blocks keep it right at oneDNN's speed. The unused
/// channels get zero gradients, so they never change and never reach the output.
/// </remarks>
internal sealed class ExpertNetwork : nn.Module<Tensor, Tensor>
{
    private const int Layers = 5;
    private readonly ModuleList<Conv2d> _convolutions = new();
    private readonly ModuleList<BatchNorm2d> _norms = new();

    /// <summary>An expert with <paramref name="filters"/> channels per hidden layer, initialized from <paramref name="seed"/>.</summary>
    public ExpertNetwork(int filters, long seed)
        : base(nameof(ExpertNetwork))
    {
        for (int layer = 0; layer < Layers; layer++)
        {
            int inputs = layer == 0 ? 1 : filters;
            int outputs = layer == Layers - 1 ? OneDnnConvolutions.ChannelBlock : filters;
            _convolutions.Add(nn.Conv2d(inputs, outputs, 3, padding: 1));
            if (layer < Layers - 1)
            {
                _norms.Add(nn.BatchNorm2d(outputs));
            }
        }

        RegisterComponents();
        SeededInitialization.Apply(this, seed);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var x = input;
        for (int layer = 0; layer < Layers - 1; layer++)
        {
            x = nn.functional.elu(_norms[layer].forward(_convolutions[layer].forward(x)), 1.0, false);
        }

        return nn.functional.sigmoid(_convolutions[Layers - 1].forward(x).narrow(1, 0, 1));
    }
}
