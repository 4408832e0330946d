using Ppl.Distributions;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.CausalVae;

/// <summary>
/// The causal VAE as a Ppl program: the five labels through their SCM mechanisms (categorical sites,
/// observed when the batch has factors), a small style latent z ~ N(0, I) whose log-densities are
/// scaled by β (model and guide alike, so the KL term is weighted; β ≫ 1 keeps z from carrying what
/// the labels say), the decoder as the image's mechanism (<c>image_probs</c> is its output,
/// <c>image</c> the pixels, one 4,096-pixel event), and an amortized guide q(z | image, labels).
/// </summary>
internal static class CausalVaeProgram
{
    public static Tensor Model(CausalVaeBatch batch)
    {
        var decoder = Module("decoder", batch.Networks.Decoder);
        var device = batch.Networks.Device;
        var f = batch.Factors;
        using var rows = batch.Rows.Plate("data", device: device);
        long n = batch.Count;
        var shape = Sample("shape", Categorical.FromLogits(SpriteScm.ShapeLogits(device).expand(n, 3)), obs: f?[.., 0]);
        var scale = Sample("scale", Categorical.FromLogits(SpriteScm.ScaleLogits(shape)), obs: f?[.., 1]);
        var orientation = Sample("orientation", Categorical.FromLogits(SpriteScm.OrientationLogits(shape)), obs: f?[.., 2]);
        var posX = Sample("posX", Categorical.FromLogits(SpriteScm.PosXLogits(orientation)), obs: f?[.., 3]);
        var posY = Sample("posY", Categorical.FromLogits(SpriteScm.PosYLogits(scale)), obs: f?[.., 4]);
        Tensor z;
        using (new ScaleMessenger(batch.Beta).Install())
        {
            z = Sample("z", new Normal(zeros(n, batch.Networks.Latent, device: device), 1.0).ToEvent(1));
        }

        var logits = decoder.forward(z, [shape, scale, orientation, posX, posY]);
        Deterministic("image_probs", logits.sigmoid(), eventDim: 1);
        return Sample("image", Bernoulli.FromLogits(logits).ToEvent(1).Unvalidated(), obs: batch.Images);
    }

    public static Tensor Guide(CausalVaeBatch batch)
    {
        var encoder = Module("encoder", batch.Networks.Encoder);
        var images = batch.Images ?? throw new InvalidOperationException("CausalVaeProgram.Guide: q(z | image, labels) needs the batch's images.");
        using var rows = batch.Rows.Plate("data", device: batch.Networks.Device);
        var (loc, scale) = encoder.forward(images, batch.Labels());
        using (new ScaleMessenger(batch.Beta).Install())
        {
            return Sample("z", new Normal(loc, scale).ToEvent(1));
        }
    }
}
