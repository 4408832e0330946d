using Ppl.Data;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.VaeMnist;

/// <summary>The programs' argument: a batch of rows of the pixel matrix, and the networks.</summary>
/// <param name="Rows">The batch (its plate scales the ELBO to the whole data set).</param>
/// <param name="Images">The data set's pixels, [rows, 784] in [0, 1].</param>
/// <param name="Networks">The encoder and decoder.</param>
internal sealed record VaeBatch(MiniBatch Rows, Tensor Images, VaeNetworks Networks);

/// <summary>
/// The VAE as a Ppl model and guide. Pixels are gray levels in [0, 1] scored by the Bernoulli
/// cross-entropy, as in Kingma and Welling's and Pyro's MNIST VAEs (Pyro's
/// <c>validate_args=False</c>, here <see cref="Distribution.Unvalidated"/>), so the −ELBO is
/// comparable with Pyro's published numbers.
/// </summary>
internal static class VaeProgram
{
    /// <summary>z ~ N(0, I); x | z ~ Bernoulli(logits = decoder(z)) per pixel.</summary>
    public static Tensor Model(VaeBatch batch)
    {
        var decoder = Module("decoder", batch.Networks.Decoder);
        var x = batch.Rows.Select(batch.Images);
        using var rows = batch.Rows.Plate("data", device: x.device);
        var prior = new Normal(zeros(batch.Rows.Count, batch.Networks.Latent, dtype: x.dtype, device: x.device), 1.0).ToEvent(1);
        var z = Sample("z", prior);
        return Sample("x", Bernoulli.FromLogits(decoder.forward(z)).ToEvent(1).Unvalidated(), obs: x);
    }

    /// <summary>z | x ~ N(encoder(x)): the amortized guide of the local latent.</summary>
    public static Tensor Guide(VaeBatch batch)
    {
        var encoder = Module("encoder", batch.Networks.Encoder);
        var x = batch.Rows.Select(batch.Images);
        using var rows = batch.Rows.Plate("data", device: x.device);
        var (loc, scale) = encoder.forward(x);
        return Sample("z", new Normal(loc, scale).ToEvent(1));
    }
}
