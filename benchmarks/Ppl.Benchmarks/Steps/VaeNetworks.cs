using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Benchmarks.Steps;

/// <summary>The VAE encoder 784 → 400 → (loc, scale) of a 50-dim latent; scale = exp(log-scale head).</summary>
public sealed class VaeEncoder : nn.Module<Tensor, (Tensor Loc, Tensor Scale)>
{
    private readonly Linear _hidden;
    private readonly Linear _loc;
    private readonly Linear _logScale;

    /// <summary>Creates the layers (default TorchSharp initialization, under the current global seed).</summary>
    public VaeEncoder(int input = 784, int hidden = 400, int latent = 50)
        : base(nameof(VaeEncoder))
    {
        _hidden = nn.Linear(input, hidden);
        _loc = nn.Linear(hidden, latent);
        _logScale = nn.Linear(hidden, latent);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override (Tensor Loc, Tensor Scale) forward(Tensor input)
    {
        var h = nn.functional.relu(_hidden.forward(input));
        return (_loc.forward(h), _logScale.forward(h).exp());
    }
}

/// <summary>The VAE decoder 50 → 400 → 784 Bernoulli logits.</summary>
public sealed class VaeDecoder : nn.Module<Tensor, Tensor>
{
    private readonly Linear _hidden;
    private readonly Linear _logits;

    /// <summary>Creates the layers.</summary>
    public VaeDecoder(int latent = 50, int hidden = 400, int output = 784)
        : base(nameof(VaeDecoder))
    {
        _hidden = nn.Linear(latent, hidden);
        _logits = nn.Linear(hidden, output);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => _logits.forward(nn.functional.relu(_hidden.forward(input)));
}
