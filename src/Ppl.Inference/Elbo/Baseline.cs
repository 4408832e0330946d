using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// A variance-reducing baseline for the score-function term of one guide site under
/// <see cref="TraceGraphElbo"/> (Pyro's <c>infer={"baseline": …}</c>). Subtracting a quantity
/// that does not depend on the site's value leaves the gradient unbiased. Attach it with
/// <c>Sample(name, dist, infer: new Baseline { UseDecayingAverage = true }.ToInfer())</c>.
/// </summary>
public sealed record Baseline
{
    /// <summary>The key under which the baseline sits in <see cref="InferConfig.Extra"/>.</summary>
    public const string Key = "baseline";

    /// <summary>Subtract an exponentially decaying average of past downstream costs.</summary>
    public bool UseDecayingAverage { get; init; }

    /// <summary>The decay of the average: b ← β·b + (1 − β)·cost.</summary>
    public double Beta { get; init; } = 0.9;

    /// <summary>
    /// The output of a network (registered with <c>Module</c> so it is trained) predicting the
    /// downstream cost; the ELBO adds its squared error to the loss so it learns.
    /// </summary>
    public Tensor? Neural { get; init; }

    /// <summary>A fixed baseline value supplied by the user.</summary>
    public Tensor? Value { get; init; }

    /// <summary>An infer config carrying this baseline.</summary>
    public InferConfig ToInfer(InferConfig? config = null)
    {
        var c = config ?? InferConfig.Default;
        return c with { Extra = c.Extra.SetItem(Key, this) };
    }

    /// <summary>The baseline attached to <paramref name="site"/>, if any.</summary>
    internal static Baseline? Of(Site site) =>
        site.Infer.Extra.TryGetValue(Key, out var b) ? b as Baseline : null;
}
