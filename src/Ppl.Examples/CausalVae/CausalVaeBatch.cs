using Ppl.Data;
using static TorchSharp.torch;

namespace Ppl.Examples.CausalVae;

/// <summary>
/// The causal VAE's arguments for one batch of units: which rows of the data set they are (the plate
/// scales by the set's size over the batch's), their images [n, 4096] and factor indices [n, 5], the
/// networks and the KL weight β. Null images or factors leave those sites unobserved, so the
/// program samples them (the generative, or interventional, mode).
/// </summary>
internal sealed record CausalVaeBatch(MiniBatch Rows, Tensor? Images, Tensor? Factors, CausalVaeNetworks Networks, double Beta)
{
    /// <summary>The batch <paramref name="rows"/> of a data set given by its factor indices [N, 5]: their images are rendered now.</summary>
    public static CausalVaeBatch Render(MiniBatch rows, Tensor factors, CausalVaeNetworks networks, double beta)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var f = rows.Select(factors).to(networks.Device);
        return new CausalVaeBatch(rows, ImagesOf(f), f, networks, beta);
    }

    /// <summary>A batch of <paramref name="count"/> units with nothing observed: the program samples labels and images.</summary>
    public static CausalVaeBatch Unobserved(int count, CausalVaeNetworks networks) =>
        new(new MiniBatches(count, count, shuffle: false).Epoch(0).First(), null, null, networks, Beta: 1);

    /// <summary>The units of factor indices [n, 5] as one whole batch with their images rendered (for queries on a fixed set of units).</summary>
    public static CausalVaeBatch Of(Tensor factors, CausalVaeNetworks networks)
    {
        ArgumentNullException.ThrowIfNull(factors);
        int n = checked((int)factors.shape[0]);
        return new(new MiniBatches(n, n, shuffle: false).Epoch(0).First(), ImagesOf(factors), factors, networks, Beta: 1);
    }

    /// <summary>The generator's images of factor indices [n, 5] as flat pixel rows [n, 4096], the program's image layout.</summary>
    public static Tensor ImagesOf(Tensor factors) => SpriteRenderer.Render(factors).view(-1, CausalVaeNetworks.Pixels);

    /// <summary>The number of units.</summary>
    public int Count => Rows.Count;

    /// <summary>The same units with their shape label set to <paramref name="shape"/> [n] and every other label kept (the images are not redrawn).</summary>
    /// <exception cref="InvalidOperationException">The batch has no factors.</exception>
    public CausalVaeBatch WithShape(Tensor shape)
    {
        var edited = (Factors ?? throw new InvalidOperationException("CausalVaeBatch.WithShape: this batch observes no factors to edit.")).clone();
        edited[.., 0] = shape;
        return this with { Factors = edited };
    }

    /// <summary>The five label tensors [n] in <see cref="SpriteGrid"/> order.</summary>
    /// <exception cref="InvalidOperationException">The batch has no factors.</exception>
    public Tensor[] Labels() => Factors is { } f
        ? [.. Enumerable.Range(0, SpriteGrid.Sizes.Count).Select(k => f[.., k])]
        : throw new InvalidOperationException("CausalVaeBatch.Labels: this batch observes no factors.");
}
