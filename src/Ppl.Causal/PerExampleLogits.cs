using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>A classifier network's logits, checked to be one per example.</summary>
internal static class PerExampleLogits
{
    /// <summary>
    /// <paramref name="network"/>'s output on <paramref name="inputs"/> [n, …] as [n]; it may give [n] or [n, 1].
    /// </summary>
    /// <exception cref="ArgumentException">Any other shape; the message names <paramref name="site"/> and what was fed (<paramref name="fed"/>).</exception>
    public static Tensor Of(nn.Module<Tensor, Tensor> network, Tensor inputs, string site, string fed)
    {
        long n = inputs.shape[0];
        var output = network.forward(inputs);
        bool perExample = output.dim() == 1 || (output.dim() == 2 && output.shape[1] == 1);
        if (!perExample || output.shape[0] != n)
        {
            throw new ArgumentException($"{site}: the network must give one logit per example, [n] or [n, 1]; for {fed} it gave [{string.Join(", ", output.shape)}].");
        }

        return output.reshape(n);
    }
}
