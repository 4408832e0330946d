namespace Ppl.Causal;

/// <summary>A Monte-Carlo estimate of a causal quantity.</summary>
/// <param name="Value">The estimate.</param>
/// <param name="StandardError">Its Monte-Carlo standard error (self-normalized importance sampling: the delta-method error).</param>
/// <param name="Draws">How many draws it used.</param>
/// <param name="EffectiveSampleSize">Kish's effective sample size of the weights (= <paramref name="Draws"/> when unweighted).</param>
public sealed record CausalEstimate(double Value, double StandardError, int Draws, double EffectiveSampleSize)
{
    /// <inheritdoc />
    public override string ToString() => $"{Value:G6} ± {StandardError:G3} (n = {Draws}, ESS = {EffectiveSampleSize:F0})";
}
