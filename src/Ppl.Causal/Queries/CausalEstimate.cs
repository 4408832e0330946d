namespace Ppl.Causal;

/// <summary>A Monte-Carlo estimate of a causal quantity.</summary>
/// <param name="Value">The estimate.</param>
/// <param name="StandardError">Its Monte-Carlo standard error (self-normalized importance sampling: the delta-method error).</param>
/// <param name="Draws">How many draws it used.</param>
/// <param name="EffectiveSampleSize">Kish's effective sample size of the weights, (Σw)²/Σw² (= <paramref name="Draws"/> when unweighted).</param>
/// <param name="BiasCorrection">
/// How far a bias correction moved <paramref name="Value"/>: the uncorrected estimate minus <paramref name="Value"/>
/// (0 when there was none; <see cref="CausalQueries.Backdoor{TArgs}"/> jackknifes its inner estimates). When it is
/// not small next to <paramref name="StandardError"/>, raise the number of inner draws: what remains is of the order of
/// the correction divided by them.
/// </param>
public sealed record CausalEstimate(double Value, double StandardError, int Draws, double EffectiveSampleSize, double BiasCorrection = 0)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Value:G6} ± {StandardError:G3} (n = {Draws}, ESS = {EffectiveSampleSize:F0}{(BiasCorrection == 0 ? "" : $", bias correction {BiasCorrection:G3}")})";
}
