using System.Globalization;

namespace Ppl.Inference.Optim;

/// <summary>
/// The objective given to <see cref="BoundedLbfgs.Minimize"/> returned a NaN or infinite value or
/// gradient entry. The solver stops at once rather than step on garbage: quasi-Newton updates built
/// from a non-finite gradient would corrupt every later direction.
/// </summary>
public sealed class NonFiniteObjectiveException : Exception
{
    /// <summary>Creates the exception for an evaluation at <paramref name="iteration"/>.</summary>
    /// <param name="iteration">0 for the starting point, k for a trial point of the k-th iteration's line search.</param>
    /// <param name="index">The gradient entry that is not finite, or −1 when it is the objective value.</param>
    /// <param name="value">The offending value.</param>
    public NonFiniteObjectiveException(int iteration, int index, double value)
        : base(Describe(iteration, index, value))
    {
        Iteration = iteration;
        Index = index;
        Value = value;
    }

    /// <summary>Creates an empty exception.</summary>
    public NonFiniteObjectiveException()
    {
        Index = -1;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public NonFiniteObjectiveException(string message)
        : base(message)
    {
        Index = -1;
    }

    /// <summary>Creates the exception wrapping <paramref name="inner"/>.</summary>
    public NonFiniteObjectiveException(string message, Exception inner)
        : base(message, inner)
    {
        Index = -1;
    }

    /// <summary>0 for the starting point, k for a trial point of the k-th iteration's line search.</summary>
    public int Iteration { get; }

    /// <summary>The gradient entry that is not finite, or −1 when the objective value itself is not.</summary>
    public int Index { get; }

    /// <summary>The offending value (NaN or ±∞).</summary>
    public double Value { get; }

    private static string Describe(int iteration, int index, double value)
    {
        string where = iteration == 0
            ? "at the starting point"
            : string.Create(CultureInfo.InvariantCulture, $"at a line-search trial point of iteration {iteration}");
        string what = index < 0
            ? string.Create(CultureInfo.InvariantCulture, $"the objective value is {value}")
            : string.Create(CultureInfo.InvariantCulture, $"gradient[{index}] is {value}");
        string fix = index < 0
            ? "Make the objective finite on the whole box (e.g. tighten the bounds away from a log(0) or division by zero)."
            : "Make sure the objective writes every gradient entry (unwritten entries read as NaN) and that the gradient is finite on the whole box.";
        return $"BoundedLbfgs.Minimize: {what} {where}. {fix}";
    }
}
