using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Examples.FilmDeconfounder;

/// <summary>Every actor's effect on revenue by the six estimators compared (float64 [actors] each).</summary>
/// <param name="NaiveSingle">E[Y | A_j = 1] − E[Y | A_j = 0]: the naive model M₂'s contrast.</param>
/// <param name="DeconfoundedSingle">Y ~ 1 + A_j + Ẑ, one actor at a time.</param>
/// <param name="OracleSingle">Y ~ 1 + A_j + Z with the true Z (simulations only).</param>
/// <param name="NaiveMulti">Y ~ 1 + A, all actors at once.</param>
/// <param name="DeconfoundedMulti">Y ~ 1 + A + Ẑ: the deconfounder's outcome model.</param>
/// <param name="OracleMulti">Y ~ 1 + A + Z with the true Z (simulations only).</param>
internal sealed record EffectEstimates(Tensor NaiveSingle, Tensor DeconfoundedSingle, Tensor? OracleSingle, Tensor NaiveMulti, Tensor DeconfoundedMulti, Tensor? OracleMulti)
{
    /// <summary>The estimators in report order, with their names.</summary>
    public IEnumerable<(string Name, Tensor? Effects)> All =>
    [
        ("naive single-cause (M₂ contrast)", NaiveSingle), ("deconfounded single-cause", DeconfoundedSingle), ("oracle single-cause (true Z)", OracleSingle),
        ("naive multi-cause", NaiveMulti), ("deconfounded multi-cause", DeconfoundedMulti), ("oracle multi-cause (true Z)", OracleMulti),
    ];

    /// <summary>All six for a data set and its substitute confounder.</summary>
    public static EffectEstimates Of(FilmData data, Deconfounder deconfounder)
    {
        var a = data.Casting;
        var y = data.Revenue;
        var z = data.Truth?.Confounders;
        return new EffectEstimates(
            CauseEffects.SingleCause(a, y),
            CauseEffects.SingleCause(a, y, deconfounder.SubstituteConfounders),
            z is null ? null : CauseEffects.SingleCause(a, y, z),
            CauseEffects.MultiCause(a, y),
            deconfounder.Outcome.CauseWeights,
            z is null ? null : CauseEffects.MultiCause(a, y, z));
    }

    /// <summary>Root mean squared error against <paramref name="truth"/> over all actors.</summary>
    public static double Rmse(Tensor estimate, Tensor truth) => estimate.sub(truth).square().mean().sqrt().item<double>();
}
