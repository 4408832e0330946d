namespace Ppl.Examples.Notears;

/// <summary>E[X_effect | do(X_cause = value)] asked of the learned SCM program by sampling, next to both closed forms.</summary>
/// <param name="Cause">The intervened node.</param>
/// <param name="Effect">The node whose mean is asked for.</param>
/// <param name="Value">x in do(X_cause = x).</param>
/// <param name="Sampled">CausalQueries.Interventional on the learned SCM's program.</param>
/// <param name="StandardError">Its Monte Carlo standard error.</param>
/// <param name="LearnedClosedForm">The learned SCM's exact interventional mean.</param>
/// <param name="Truth">The true SCM's exact interventional mean.</param>
internal sealed record InterventionalCheck(int Cause, int Effect, double Value, double Sampled, double StandardError, double LearnedClosedForm, double Truth)
{
    /// <summary>|sampled − truth|.</summary>
    public double Error => Math.Abs(Sampled - Truth);
}
