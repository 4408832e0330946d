using Ppl.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Examples.VaeMnist;

/// <summary>
/// The networks of the MNIST VAE of Kingma and Welling and of Pyro's VAE example: an encoder
/// 784 → 400 (softplus) → two heads of 50 (location, and log-scale made positive by exp), and a
/// decoder 50 → 400 (softplus) → 784 logits. Built from a seed, so the Ppl program and the plain
/// TorchSharp reference start from the same weights.
/// </summary>
internal sealed class VaeNetworks : IDisposable
{
    /// <summary>Pixels per image.</summary>
    public const int Pixels = 784;

    private VaeNetworks(VaeEncoder encoder, VaeDecoder decoder, int latent)
    {
        (Encoder, Decoder, Latent) = (encoder, decoder, latent);
    }

    /// <summary>q(z | x)'s network.</summary>
    public VaeEncoder Encoder { get; }

    /// <summary>p(x | z)'s network.</summary>
    public VaeDecoder Decoder { get; }

    /// <summary>The latent dimension.</summary>
    public int Latent { get; }

    /// <summary>Both networks' parameters.</summary>
    public IEnumerable<Parameter> Parameters() => Encoder.parameters().Concat(Decoder.parameters());

    /// <summary>Fresh networks with PyTorch's default initialization drawn from <paramref name="seed"/>, on <paramref name="device"/>.</summary>
    public static VaeNetworks Create(long seed, Device device, int hidden = 400, int latent = 50)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        var encoder = SeededInitialization.Apply(new VaeEncoder(hidden, latent), generator);
        var decoder = SeededInitialization.Apply(new VaeDecoder(hidden, latent), generator);
        encoder.to(device);
        decoder.to(device);
        return new VaeNetworks(encoder, decoder, latent);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Encoder.Dispose();
        Decoder.Dispose();
    }
}

/// <summary>q(z | x): the location and scale of a diagonal normal over the latent code.</summary>
internal sealed class VaeEncoder : nn.Module<Tensor, (Tensor Loc, Tensor Scale)>
{
    private readonly Linear _hidden;
    private readonly Linear _loc;
    private readonly Linear _logScale;

    public VaeEncoder(int hidden, int latent)
        : base(nameof(VaeEncoder))
    {
        _hidden = nn.Linear(VaeNetworks.Pixels, hidden);
        _loc = nn.Linear(hidden, latent);
        _logScale = nn.Linear(hidden, latent);
        RegisterComponents();
    }

    public override (Tensor Loc, Tensor Scale) forward(Tensor input)
    {
        var h = nn.functional.softplus(_hidden.forward(input));
        return (_loc.forward(h), _logScale.forward(h).exp());
    }
}

/// <summary>p(x | z): the logits of the 784 pixels' Bernoulli likelihood.</summary>
internal sealed class VaeDecoder : nn.Module<Tensor, Tensor>
{
    private readonly Linear _hidden;
    private readonly Linear _logits;

    public VaeDecoder(int hidden, int latent)
        : base(nameof(VaeDecoder))
    {
        _hidden = nn.Linear(latent, hidden);
        _logits = nn.Linear(hidden, VaeNetworks.Pixels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => _logits.forward(nn.functional.softplus(_hidden.forward(input)));
}
