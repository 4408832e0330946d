namespace Ppl.Tests.Inference.Guides;

/// <summary>
/// How much an Adam iterate still fluctuates near an optimum, from the local quadratic of the
/// loss: a coordinate u with curvature h = ∂²(−ELBO)/∂u² and per-particle gradient variance c,
/// averaged over K particles. Adam divides the step by the RMS gradient √(c/K), so u − u* is an
/// AR(1) process with kicks of sd η and pull η·h/√(c/K); its stationary variance is
/// η·√(c/K)/(2h). Momentum leaves that variance unchanged to first order in η, and Adam's second
/// moment also remembers the larger gradients of the approach, which only lowers the noise.
/// At the optimum of a family that holds the exact posterior, c = h = I, the guide's Fisher
/// information in u per draw (the reparameterized gradient reduces to the score).
/// </summary>
internal static class AdamNoise
{
    /// <summary>
    /// Headroom over the stationary theory: a tail of a few hundred correlated iterates measures its
    /// sd from only a handful of correlation times (a ±50% spread), and the theory takes the Hessian
    /// as diagonal in the guide's coordinates.
    /// </summary>
    public const double Headroom = 2;

    /// <summary>The stationary sd of a coordinate with curvature <paramref name="curvature"/> and per-particle gradient variance <paramref name="gradientVariance"/>.</summary>
    public static double CoordinateSd(double lr, int particles, double curvature, double gradientVariance) =>
        Math.Sqrt(lr * Math.Sqrt(gradientVariance / particles) / (2 * curvature));

    /// <summary>A Normal guide's location at an exact optimum of posterior sd <paramref name="sd"/>: I = 1/sd².</summary>
    public static double Location(double lr, int particles, double sd) =>
        CoordinateSd(lr, particles, 1 / (sd * sd), 1 / (sd * sd));

    /// <summary>A Normal guide's scale s = exp(u) at an exact optimum s = <paramref name="sd"/>: I = 2 in u, and s moves by s·δu.</summary>
    public static double Scale(double lr, int particles, double sd) =>
        sd * CoordinateSd(lr, particles, 2, 2);

    /// <summary>The learning rate of an exponential decay from <paramref name="lr"/> to <paramref name="finalLr"/> over <paramref name="steps"/>, at <paramref name="step"/>.</summary>
    public static double ExponentialLr(double lr, double finalLr, int steps, int step) =>
        lr * Math.Pow(finalLr / lr, (double)step / steps);
}
