namespace Ppl.Inference.Enumeration;

/// <summary>
/// One step of variable elimination: the variable and the product of every factor that had it at that
/// moment. Its other variables are eliminated later, so a backward pass that has already drawn them can
/// draw this one from the product's slice.
/// </summary>
/// <param name="Label">The variable eliminated.</param>
/// <param name="Product">The factors that had it, joined, before the variable was summed (or maximized) out.</param>
internal sealed record EliminatedVariable(long Label, LogFactor Product);
