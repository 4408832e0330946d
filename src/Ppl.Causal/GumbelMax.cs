using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>TEMPORARY stand-in until feat/gumbel lands: only the forward mechanism. Deleted at the merge.</summary>
public static class GumbelMax
{
    /// <summary>argmax over the last dim of logits + noise, int64.</summary>
    public static Tensor Apply(Tensor logits, Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(logits);
        return logits.add(noise).argmax(-1);
    }
}
