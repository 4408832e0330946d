namespace Ppl.Inference.Optim;

/// <summary>
/// The interval of uncertainty of the Moré–Thuente line search and its safeguarded step rule
/// (Moré &amp; Thuente 1994, section 4). The end point "x" is the best step so far (lowest value
/// of the function being searched), "y" the other end; once <see cref="Bracketed"/> is set the
/// interval is known to contain a step satisfying the Wolfe conditions.
/// </summary>
internal struct StepBracket
{
    public double StepX;
    public double ValueX;
    public double SlopeX;
    public double StepY;
    public double ValueY;
    public double SlopeY;
    public bool Bracketed;

    /// <summary>
    /// Folds the trial (step, value, slope) into the interval and returns the next trial step,
    /// kept within [minStep, maxStep] while no minimizer is bracketed.
    /// </summary>
    public double Next(double step, double value, double slope, double minStep, double maxStep)
    {
        double sameSign = slope * Math.Sign(SlopeX);
        double next;
        if (value > ValueX)
        {
            // Higher value: a minimizer lies between x and the trial. The cubic's minimizer is
            // preferred when it is closer to x than the quadratic's, else their midpoint.
            double cubic = CubicMinimizer(StepX, ValueX, SlopeX, step, value, slope);
            double quadratic = StepX + (SlopeX / (((ValueX - value) / (step - StepX)) + SlopeX) / 2.0 * (step - StepX));
            next = Math.Abs(cubic - StepX) < Math.Abs(quadratic - StepX)
                ? cubic
                : cubic + ((quadratic - cubic) / 2.0);
            Bracketed = true;
        }
        else if (sameSign < 0.0)
        {
            // The slope changed sign: a minimizer lies between x and the trial. Take whichever of
            // the cubic and secant steps lies farther from the trial.
            double cubic = CubicMinimizer(step, value, slope, StepX, ValueX, SlopeX);
            double secant = step + (slope / (slope - SlopeX) * (StepX - step));
            next = Math.Abs(cubic - step) > Math.Abs(secant - step) ? cubic : secant;
            Bracketed = true;
        }
        else if (Math.Abs(slope) < Math.Abs(SlopeX))
        {
            // Lower value, same slope sign, slope shrinking: use the cubic only if it tends to
            // infinity beyond the trial or has its minimizer past it; otherwise the secant.
            double cubic = CubicStepBeyond(step, value, slope, minStep, maxStep);
            double secant = step + (slope / (slope - SlopeX) * (StepX - step));
            if (Bracketed)
            {
                next = Math.Abs(cubic - step) < Math.Abs(secant - step) ? cubic : secant;
                double limit = step + (0.66 * (StepY - step));
                next = step > StepX ? Math.Min(limit, next) : Math.Max(limit, next);
            }
            else
            {
                next = Math.Abs(cubic - step) > Math.Abs(secant - step) ? cubic : secant;
                next = Math.Clamp(next, minStep, maxStep);
            }
        }
        else
        {
            // Lower value, same slope sign, slope not shrinking: extrapolate to the interval's edge,
            // or, when bracketed, take the cubic through the trial and the far end y.
            next = Bracketed
                ? CubicMinimizer(step, value, slope, StepY, ValueY, SlopeY)
                : step > StepX ? maxStep : minStep;
        }

        if (value > ValueX)
        {
            StepY = step;
            ValueY = value;
            SlopeY = slope;
        }
        else
        {
            if (sameSign < 0.0)
            {
                StepY = StepX;
                ValueY = ValueX;
                SlopeY = SlopeX;
            }

            StepX = step;
            ValueX = value;
            SlopeX = slope;
        }

        return next;
    }

    /// <summary>
    /// Minimizer of the cubic interpolating (a, fa, da) and (b, fb, db), written from a's side:
    /// a + r·(b − a), with the root chosen by the sign convention of the interval direction.
    /// </summary>
    private static double CubicMinimizer(double a, double fa, double da, double b, double fb, double db)
    {
        double theta = (3.0 * (fa - fb) / (b - a)) + da + db;
        double s = Math.Max(Math.Abs(theta), Math.Max(Math.Abs(da), Math.Abs(db)));
        double radicand = ((theta / s) * (theta / s)) - ((da / s) * (db / s));
        // Non-negative in exact arithmetic in the cases that call this; clamp so rounding cannot yield NaN.
        double gamma = s * Math.Sqrt(Math.Max(0.0, radicand));
        if (b < a)
        {
            gamma = -gamma;
        }

        double p = gamma - da + theta;
        double q = gamma - da + gamma + db;
        return a + (p / q * (b - a));
    }

    /// <summary>
    /// The cubic step of the shrinking-slope case: the cubic's minimizer when it lies beyond the
    /// trial (away from x), else the end of the allowed interval in that direction.
    /// </summary>
    private readonly double CubicStepBeyond(double step, double value, double slope, double minStep, double maxStep)
    {
        double theta = (3.0 * (ValueX - value) / (step - StepX)) + SlopeX + slope;
        double s = Math.Max(Math.Abs(theta), Math.Max(Math.Abs(SlopeX), Math.Abs(slope)));
        // The cubic may have no real minimizer here; a zero root then flags "unbounded below".
        double gamma = s * Math.Sqrt(Math.Max(0.0, ((theta / s) * (theta / s)) - ((SlopeX / s) * (slope / s))));
        if (step > StepX)
        {
            gamma = -gamma;
        }

        double p = gamma - slope + theta;
        double q = gamma + (SlopeX - slope) + gamma;
        double r = p / q;
        if (r < 0.0 && gamma != 0.0)
        {
            return step + (r * (StepX - step));
        }

        return step > StepX ? maxStep : minStep;
    }
}
