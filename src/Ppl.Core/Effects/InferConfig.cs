using System.Collections.Immutable;

namespace Ppl.Effects;

/// <summary>
/// Per-site hints for inference algorithms (Pyro's <c>infer</c> dict). Immutable: handlers
/// replace it with <c>with</c> expressions.
/// </summary>
public sealed record InferConfig
{
    /// <summary>No hints.</summary>
    public static readonly InferConfig Default = new();

    /// <summary>The site is an auxiliary variable of a guide (not matched against the model).</summary>
    public bool IsAuxiliary { get; init; }

    /// <summary>Set by <see cref="Handlers.UnconditionMessenger"/> on a site that had an observation.</summary>
    public bool WasObserved { get; init; }

    /// <summary>The observation an unconditioned site had, kept for algorithms that need it.</summary>
    public TorchSharp.torch.Tensor? Obs { get; init; }

    /// <summary>
    /// Sum this discrete latent out rather than sample it (Pyro's <c>infer={"enumerate": ...}</c>), in
    /// algorithms that enumerate (<c>TraceEnumElbo</c>); null leaves the site to be sampled.
    /// <see cref="Poutine.ConfigEnumerate{TArgs, TOut}"/> sets it on every discrete latent of a program.
    /// </summary>
    public EnumerateMode? Enumerate { get; init; }

    /// <summary>What enumeration recorded at the site (set by <see cref="Handlers.EnumMessenger"/>); null outside enumeration.</summary>
    public EnumerationRecord? Enumeration { get; init; }

    /// <summary>Extension hints for algorithms outside the core, by key.</summary>
    public ImmutableDictionary<string, object> Extra { get; init; } = ImmutableDictionary<string, object>.Empty;
}
