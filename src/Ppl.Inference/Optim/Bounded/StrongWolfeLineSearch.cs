namespace Ppl.Inference.Optim;

/// <summary>How a <see cref="StrongWolfeLineSearch"/> ended.</summary>
internal enum LineSearchStatus
{
    /// <summary>The last trial satisfies the strong Wolfe conditions.</summary>
    Converged,

    /// <summary>
    /// The search cannot make further progress (interval below tolerance, rounding, or the step
    /// bound reached with sufficient decrease); the last trial is offered as the step.
    /// </summary>
    Stalled,

    /// <summary>No acceptable step within the trial budget, or the direction is not a descent direction.</summary>
    Failed,

    /// <summary>The objective's evaluation budget ran out before a step was accepted.</summary>
    OutOfEvaluations,
}

/// <summary>
/// A line search for a step satisfying the strong Wolfe conditions
/// φ(t) ≤ φ(0) + μ·t·φ′(0) and |φ′(t)| ≤ η·|φ′(0)|, after Moré &amp; Thuente (1994): extrapolate
/// until a minimizer is bracketed, then shrink the bracket with safeguarded cubic/quadratic
/// interpolation (<see cref="StepBracket"/>). While no step has sufficient decrease it works on
/// the auxiliary ψ(t) = φ(t) − φ(0) − μ·t·φ′(0), as the paper prescribes.
/// μ, η and the interval tolerance are L-BFGS-B's (1e-3, 0.9, 0.1).
/// </summary>
internal static class StrongWolfeLineSearch
{
    public const double SufficientDecrease = 1e-3;
    public const double CurvatureTolerance = 0.9;
    public const double IntervalTolerance = 0.1;
    private const double ExtrapolateMin = 1.1;
    private const double ExtrapolateMax = 4.0;

    /// <summary>Evaluates φ and φ′ at a step; false when the evaluation budget is exhausted.</summary>
    public delegate bool Trial(double step, out double value, out double slope);

    /// <summary>The outcome; Step, Value and Slope are those of the last evaluated trial.</summary>
    public readonly record struct Outcome(LineSearchStatus Status, double Step, double Value, double Slope);

    public static Outcome Search(Trial phi, double value0, double slope0, double step, double maxStep, int maxTrials)
    {
        if (!(slope0 < 0.0) || !(step > 0.0) || !(maxStep > 0.0))
        {
            return new Outcome(LineSearchStatus.Failed, 0.0, value0, slope0);
        }

        const double minStep = 0.0;
        step = Math.Min(step, maxStep);
        double decreaseSlope = SufficientDecrease * slope0;
        double width = maxStep - minStep;
        double previousWidth = 2.0 * width;
        bool firstStage = true;
        var bracket = new StepBracket
        {
            StepX = 0.0,
            ValueX = value0,
            SlopeX = slope0,
            StepY = 0.0,
            ValueY = value0,
            SlopeY = slope0,
        };
        double low = 0.0;
        double high = step + (ExtrapolateMax * step);
        double value = value0;
        double slope = slope0;
        for (int trial = 0; trial < maxTrials; trial++)
        {
            if (!phi(step, out value, out slope))
            {
                return new Outcome(LineSearchStatus.OutOfEvaluations, step, value, slope);
            }

            double decreaseBound = value0 + (step * decreaseSlope);
            if (firstStage && value <= decreaseBound && slope >= 0.0)
            {
                firstStage = false;
            }

            if (value <= decreaseBound && Math.Abs(slope) <= CurvatureTolerance * -slope0)
            {
                return new Outcome(LineSearchStatus.Converged, step, value, slope);
            }

            bool stalled =
                (bracket.Bracketed && (step <= low || step >= high))
                || (bracket.Bracketed && high - low <= IntervalTolerance * high)
                || (step == maxStep && value <= decreaseBound && slope <= decreaseSlope)
                || (step == minStep && (value > decreaseBound || slope >= decreaseSlope));
            if (stalled)
            {
                return new Outcome(LineSearchStatus.Stalled, step, value, slope);
            }

            if (firstStage && value <= bracket.ValueX && value > decreaseBound)
            {
                // Sufficient decrease not yet met but progress made: interpolate ψ, whose
                // minimizers satisfy sufficient decrease, instead of φ.
                var shifted = new StepBracket
                {
                    StepX = bracket.StepX,
                    ValueX = bracket.ValueX - (bracket.StepX * decreaseSlope),
                    SlopeX = bracket.SlopeX - decreaseSlope,
                    StepY = bracket.StepY,
                    ValueY = bracket.ValueY - (bracket.StepY * decreaseSlope),
                    SlopeY = bracket.SlopeY - decreaseSlope,
                    Bracketed = bracket.Bracketed,
                };
                double nextStep = shifted.Next(step, value - (step * decreaseSlope), slope - decreaseSlope, low, high);
                bracket = new StepBracket
                {
                    StepX = shifted.StepX,
                    ValueX = shifted.ValueX + (shifted.StepX * decreaseSlope),
                    SlopeX = shifted.SlopeX + decreaseSlope,
                    StepY = shifted.StepY,
                    ValueY = shifted.ValueY + (shifted.StepY * decreaseSlope),
                    SlopeY = shifted.SlopeY + decreaseSlope,
                    Bracketed = shifted.Bracketed,
                };
                step = nextStep;
            }
            else
            {
                step = bracket.Next(step, value, slope, low, high);
            }

            if (bracket.Bracketed)
            {
                // Force a bisection when the bracket has not shrunk enough over two trials.
                double span = Math.Abs(bracket.StepY - bracket.StepX);
                if (span >= 0.66 * previousWidth)
                {
                    step = bracket.StepX + (0.5 * (bracket.StepY - bracket.StepX));
                }

                previousWidth = width;
                width = span;
                low = Math.Min(bracket.StepX, bracket.StepY);
                high = Math.Max(bracket.StepX, bracket.StepY);
            }
            else
            {
                low = step + (ExtrapolateMin * (step - bracket.StepX));
                high = step + (ExtrapolateMax * (step - bracket.StepX));
            }

            step = Math.Clamp(step, minStep, maxStep);
            if ((bracket.Bracketed && (step <= low || step >= high))
                || (bracket.Bracketed && high - low <= IntervalTolerance * high))
            {
                // Rounding has collapsed the bracket: fall back to the best step so far.
                step = bracket.StepX;
            }
        }

        return new Outcome(LineSearchStatus.Failed, step, value, slope);
    }
}
