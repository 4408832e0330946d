using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Examples.CausalVae;

/// <summary>
/// The causal VAE's two networks: the decoder is the image's mechanism, logits of the 4,096 pixels
/// from the style latent z and the five labels (one-hot, 113 numbers); the encoder is the amortized
/// guide q(z | image, labels).
/// </summary>
internal sealed class CausalVaeNetworks : IDisposable
{
    /// <summary>Pixels per image.</summary>
    public const int Pixels = SpriteRenderer.Side * SpriteRenderer.Side;

    /// <summary>The labels' one-hot width: 3 + 6 + 40 + 32 + 32.</summary>
    public static readonly int LabelWidth = SpriteGrid.Sizes.Sum();

    private CausalVaeNetworks(CausalVaeEncoder encoder, CausalVaeDecoder decoder, int latent) => (Encoder, Decoder, Latent) = (encoder, decoder, latent);

    /// <summary>q(z | image, labels).</summary>
    public CausalVaeEncoder Encoder { get; }

    /// <summary>The image mechanism: pixel logits from z and the labels.</summary>
    public CausalVaeDecoder Decoder { get; }

    /// <summary>The style latent's size.</summary>
    public int Latent { get; }

    /// <summary>Both networks, initialized from <paramref name="seed"/> on <paramref name="device"/>.</summary>
    public static CausalVaeNetworks Create(long seed, Device device, int latent, int hidden = 512)
    {
        using var seedScope = new TorchSeedScope(seed);
        var encoder = new CausalVaeEncoder(hidden, latent);
        var decoder = new CausalVaeDecoder(hidden, latent);
        encoder.to(device);
        decoder.to(device);
        return new CausalVaeNetworks(encoder, decoder, latent);
    }

    /// <summary>
    /// The labels as one float vector of one-hots [..., 113]; the five index tensors may differ in
    /// leading dims (a twin-world run gives the intervened factors and their children a world dim),
    /// which broadcast.
    /// </summary>
    public static Tensor LabelCode(Tensor shape, Tensor scale, Tensor orientation, Tensor posX, Tensor posY, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        Tensor[] labels = [shape, scale, orientation, posX, posY];
        long[] leading = labels.Skip(1).Aggregate(shape, (all, next) => all.add(next)).shape; // the broadcast shape
        var codes = labels.Select((label, f) => nn.functional.one_hot(label, SpriteGrid.Sizes[f]).to(dtype).expand([.. leading, SpriteGrid.Sizes[f]]));
        return cat(codes.ToArray(), -1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Encoder.Dispose();
        Decoder.Dispose();
    }
}

/// <summary>q(z | image, labels): an MLP from the 4,096 pixels and the label code to the latent's location and scale.</summary>
internal sealed class CausalVaeEncoder : nn.Module<Tensor, Tensor, (Tensor Loc, Tensor Scale)>
{
    private readonly Linear _first;
    private readonly Linear _second;
    private readonly Linear _loc;
    private readonly Linear _logScale;

    public CausalVaeEncoder(int hidden, int latent)
        : base(nameof(CausalVaeEncoder))
    {
        _first = nn.Linear(CausalVaeNetworks.Pixels + CausalVaeNetworks.LabelWidth, hidden);
        _second = nn.Linear(hidden, hidden / 2);
        _loc = nn.Linear(hidden / 2, latent);
        _logScale = nn.Linear(hidden / 2, latent);
        RegisterComponents();
    }

    public override (Tensor Loc, Tensor Scale) forward(Tensor image, Tensor labelCode)
    {
        var h = nn.functional.softplus(_second.forward(nn.functional.softplus(_first.forward(cat([image, labelCode], -1)))));
        return (_loc.forward(h), _logScale.forward(h).exp());
    }
}

/// <summary>The image mechanism: pixel logits from the style latent and the label code (an MLP; leading dims broadcast).</summary>
internal sealed class CausalVaeDecoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear _first;
    private readonly Linear _second;
    private readonly Linear _logits;

    public CausalVaeDecoder(int hidden, int latent)
        : base(nameof(CausalVaeDecoder))
    {
        _first = nn.Linear(latent + CausalVaeNetworks.LabelWidth, hidden);
        _second = nn.Linear(hidden, hidden * 2);
        _logits = nn.Linear(hidden * 2, CausalVaeNetworks.Pixels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor z, Tensor labelCode)
    {
        long[] leading = Broadcast(z.shape[..^1], labelCode.shape[..^1]);
        var input = cat([z.expand([.. leading, z.shape[^1]]), labelCode.expand([.. leading, labelCode.shape[^1]])], -1);
        return _logits.forward(nn.functional.softplus(_second.forward(nn.functional.softplus(_first.forward(input)))));
    }

    private static long[] Broadcast(long[] a, long[] b)
    {
        var result = new long[Math.Max(a.Length, b.Length)];
        for (int i = 1; i <= result.Length; i++)
        {
            long x = i <= a.Length ? a[^i] : 1, y = i <= b.Length ? b[^i] : 1;
            if (x != y && x != 1 && y != 1)
            {
                throw new ArgumentException($"CausalVaeDecoder: z [{string.Join(", ", a)}, …] and the labels [{string.Join(", ", b)}, …] do not broadcast.");
            }

            result[^i] = Math.Max(x, y);
        }

        return result;
    }
}
