using Ppl.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Examples.CausalVae;

/// <summary>
/// The causal VAE's two networks: the decoder is the image's mechanism, logits of the 4,096 pixels
/// from the style latent z and the five labels; the encoder is the amortized guide q(z | image, labels).
/// Each first layer is split into a part for its tensor input and a <see cref="LabelLayer"/> (the
/// same affine map as one layer on the concatenation with the labels' one-hots), so the parts add and
/// broadcast: in a twin-world run the intervened labels carry a world dim that z and the pixels do not.
/// </summary>
internal sealed class CausalVaeNetworks : IDisposable
{
    /// <summary>Pixels per image.</summary>
    public const int Pixels = SpriteRenderer.Side * SpriteRenderer.Side;

    private CausalVaeNetworks(CausalVaeEncoder encoder, CausalVaeDecoder decoder, int latent, Device device) =>
        (Encoder, Decoder, Latent, Device) = (encoder, decoder, latent, device);

    /// <summary>q(z | image, labels).</summary>
    public CausalVaeEncoder Encoder { get; }

    /// <summary>The image mechanism: pixel logits from z and the labels.</summary>
    public CausalVaeDecoder Decoder { get; }

    /// <summary>The style latent's size.</summary>
    public int Latent { get; }

    /// <summary>Where the networks' parameters live, and so the program's tensors.</summary>
    public Device Device { get; }

    /// <summary>Both networks, initialized from <paramref name="seed"/> on <paramref name="device"/>.</summary>
    public static CausalVaeNetworks Create(long seed, Device device, int latent, int hidden = 512)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        var encoder = SeededInitialization.Apply(new CausalVaeEncoder(hidden, latent), generator);
        var decoder = SeededInitialization.Apply(new CausalVaeDecoder(hidden, latent), generator);
        encoder.to(device);
        decoder.to(device);
        return new CausalVaeNetworks(encoder, decoder, latent, device);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Encoder.Dispose();
        Decoder.Dispose();
    }
}

/// <summary>The labels' part of a first layer: Σ over the five factors of a bias-free linear map of each one-hot [..., hidden].</summary>
internal sealed class LabelLayer : nn.Module<IReadOnlyList<Tensor>, Tensor>
{
    private readonly ModuleList<Linear> _maps;

    public LabelLayer(int hidden)
        : base(nameof(LabelLayer))
    {
        _maps = nn.ModuleList(SpriteGrid.Sizes.Select(size => nn.Linear(size, hidden, hasBias: false)).ToArray());
        RegisterComponents();
    }

    /// <summary>The five label index tensors (shape, scale, orientation, posX, posY), whose leading dims broadcast.</summary>
    public override Tensor forward(IReadOnlyList<Tensor> labels)
    {
        Tensor? sum = null;
        for (int f = 0; f < _maps.Count; f++)
        {
            var map = _maps[f];
            var term = map.forward(nn.functional.one_hot(labels[f], SpriteGrid.Sizes[f]).to(map.weight!.dtype));
            sum = sum is null ? term : sum.add(term);
        }

        return sum!;
    }
}

/// <summary>q(z | image, labels): an MLP from the 4,096 pixels and the labels to the latent's location and scale.</summary>
internal sealed class CausalVaeEncoder : nn.Module<Tensor, IReadOnlyList<Tensor>, (Tensor Loc, Tensor Scale)>
{
    private readonly Linear _pixels;
    private readonly LabelLayer _labels;
    private readonly Linear _second;
    private readonly Linear _loc;
    private readonly Linear _logScale;

    public CausalVaeEncoder(int hidden, int latent)
        : base(nameof(CausalVaeEncoder))
    {
        _pixels = nn.Linear(CausalVaeNetworks.Pixels, hidden);
        _labels = new LabelLayer(hidden);
        _second = nn.Linear(hidden, hidden / 2);
        _loc = nn.Linear(hidden / 2, latent);
        _logScale = nn.Linear(hidden / 2, latent);
        RegisterComponents();
    }

    public override (Tensor Loc, Tensor Scale) forward(Tensor image, IReadOnlyList<Tensor> labels)
    {
        var h = nn.functional.softplus(_second.forward(nn.functional.softplus(_pixels.forward(image).add(_labels.forward(labels)))));
        return (_loc.forward(h), _logScale.forward(h).exp());
    }
}

/// <summary>The image mechanism: pixel logits from the style latent and the labels (an MLP; leading dims broadcast).</summary>
internal sealed class CausalVaeDecoder : nn.Module<Tensor, IReadOnlyList<Tensor>, Tensor>
{
    private readonly Linear _style;
    private readonly LabelLayer _labels;
    private readonly Linear _second;
    private readonly Linear _logits;

    public CausalVaeDecoder(int hidden, int latent)
        : base(nameof(CausalVaeDecoder))
    {
        _style = nn.Linear(latent, hidden);
        _labels = new LabelLayer(hidden);
        _second = nn.Linear(hidden, hidden * 2);
        _logits = nn.Linear(hidden * 2, CausalVaeNetworks.Pixels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor z, IReadOnlyList<Tensor> labels) =>
        _logits.forward(nn.functional.softplus(_second.forward(nn.functional.softplus(_style.forward(z).add(_labels.forward(labels))))));
}
