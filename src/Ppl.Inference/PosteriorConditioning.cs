using Ppl.Effects;
using Ppl.Handlers;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// Conditions a model on posterior samples with a leading sample dim, in either of the layouts
/// they come in: Ppl's (<c>[N, ..plain shape]</c>, what a guide's draws stack to) or Pyro's
/// (<c>[N, 1, …, 1, ..plain shape]</c>, what <see cref="Predictive{TArgs}"/> returns). Leading
/// singleton dims a site's distribution has no room for are dropped, so both layouts give the
/// site the same value; anything else goes to the site as it is, and the trace's shape check
/// reports a misfit.
/// </summary>
internal static class PosteriorConditioning
{
    /// <summary>The model conditioned on draw <paramref name="index"/> of every sample (a plain run).</summary>
    public static Func<TArgs, object?> AtDraw<TArgs>(Func<TArgs, object?> model, IReadOnlyDictionary<string, Tensor> samples, int index) =>
        samples.Count == 0
            ? model
            : model.With(() => new ConditionMessenger(m => samples.TryGetValue(m.Name, out var all) ? Fit(all[index], 0, m) : null));

    /// <summary>
    /// The model conditioned on every draw at once (a run inside the outer sample plate): each
    /// sample is laid out as its site's distribution is, the sample dim first and singleton dims up to the batch dims.
    /// </summary>
    public static Func<TArgs, object?> AllDraws<TArgs>(Func<TArgs, object?> model, IReadOnlyDictionary<string, Tensor> samples) =>
        samples.Count == 0
            ? model
            : model.With(() => new ConditionMessenger(m => samples.TryGetValue(m.Name, out var all) ? Fit(all, 1, m) : null));

    /// <summary>
    /// <paramref name="value"/> (with <paramref name="lead"/> sample dims in front) with leading
    /// singleton dims dropped or added after the sample dims until its rank is the rank of the
    /// site's distribution (batch plus event dims).
    /// </summary>
    private static Tensor Fit(Tensor value, int lead, Message message)
    {
        if (message.Distribution is not { } distribution)
        {
            return value;
        }

        int rank = distribution.BatchShape.Length + distribution.EventShape.Length;
        long[] shape = value.Shape();
        int drop = 0;
        while (shape.Length - drop > rank && lead + drop < shape.Length && shape[lead + drop] == 1)
        {
            drop++;
        }

        int add = lead == 0 ? 0 : Math.Max(0, rank - (shape.Length - drop));
        if (drop == 0 && add == 0)
        {
            return value;
        }

        var fitted = new long[shape.Length - drop + add];
        shape.AsSpan(0, lead).CopyTo(fitted);
        Array.Fill(fitted, 1L, lead, add);
        shape.AsSpan(lead + drop).CopyTo(fitted.AsSpan(lead + add));
        return value.reshape(fitted);
    }
}
