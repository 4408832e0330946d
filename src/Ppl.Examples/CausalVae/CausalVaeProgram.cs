using Ppl.Data;
using Ppl.Distributions;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.CausalVae;

/// <summary>A minibatch of the causal VAE's data: rows of the images [N, 4096] and their factor indices [N, 5].</summary>
internal sealed record CausalVaeBatch(MiniBatch Rows, Tensor Images, Tensor Factors, CausalVaeNetworks Networks, double Beta);

/// <summary>
/// The causal VAE as a Ppl program: the five labels through their SCM mechanisms (categorical sites,
/// observed), a small style latent z ~ N(0, I) whose log-densities are scaled by β (model and guide
/// alike, so the KL term is weighted; β ≫ 1 keeps z from carrying what the labels say), the decoder
/// as the image's mechanism (<c>image_probs</c> is its output, <c>image</c> the observed pixels,
/// one 4,096-pixel event), and an amortized guide q(z | image, labels).
/// </summary>
internal static class CausalVaeProgram
{
    public static Tensor Model(CausalVaeBatch batch)
    {
        var decoder = Module("decoder", batch.Networks.Decoder);
        var x = batch.Rows.Select(batch.Images);
        var f = batch.Rows.Select(batch.Factors);
        using var rows = batch.Rows.Plate("data", device: x.device);
        long n = batch.Rows.Count;
        var shape = Sample("shape", Categorical.FromLogits(SpriteScm.ShapeLogits(x.device).expand(n, 3)), obs: f[.., 0]);
        var scale = Sample("scale", Categorical.FromLogits(SpriteScm.ScaleLogits(shape)), obs: f[.., 1]);
        var orientation = Sample("orientation", Categorical.FromLogits(SpriteScm.OrientationLogits(shape)), obs: f[.., 2]);
        var posX = Sample("posX", Categorical.FromLogits(SpriteScm.PosXLogits(orientation)), obs: f[.., 3]);
        var posY = Sample("posY", Categorical.FromLogits(SpriteScm.PosYLogits(scale)), obs: f[.., 4]);
        Tensor z;
        using (new ScaleMessenger(batch.Beta).Install())
        {
            z = Sample("z", new Normal(zeros(n, batch.Networks.Latent, dtype: x.dtype, device: x.device), 1.0).ToEvent(1));
        }

        var logits = decoder.forward(z, [shape, scale, orientation, posX, posY]);
        Deterministic("image_probs", logits.sigmoid(), eventDim: 1);
        return Sample("image", Bernoulli.FromLogits(logits).ToEvent(1).Unvalidated(), obs: x);
    }

    public static Tensor Guide(CausalVaeBatch batch)
    {
        var encoder = Module("encoder", batch.Networks.Encoder);
        var x = batch.Rows.Select(batch.Images);
        var f = batch.Rows.Select(batch.Factors);
        using var rows = batch.Rows.Plate("data", device: x.device);
        var (loc, scale) = encoder.forward(x, [f[.., 0], f[.., 1], f[.., 2], f[.., 3], f[.., 4]]);
        using (new ScaleMessenger(batch.Beta).Install())
        {
            return Sample("z", new Normal(loc, scale).ToEvent(1));
        }
    }
}
