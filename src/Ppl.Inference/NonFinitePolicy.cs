namespace Ppl.Inference;

/// <summary>What <see cref="Svi{TArgs}"/> does when a step's loss or a gradient is NaN or infinite.</summary>
public enum NonFinitePolicy
{
    /// <summary>Throw <see cref="NonFiniteException"/> at that step, before any parameter is updated (the default).</summary>
    Throw,

    /// <summary>Update and report the non-finite loss, as PyTorch and Pyro do.</summary>
    Continue,
}
