namespace Ppl.Inference.Mcmc;

/// <summary>The leapfrog (Störmer–Verlet) integrator of Hamiltonian dynamics: time-reversible and volume-preserving.</summary>
public static class Leapfrog
{
    /// <summary>
    /// One step of size <paramref name="stepSize"/> (negative integrates backwards in time): a half step of
    /// momentum, a full step of position along M⁻¹p, a half step of momentum at the new gradient.
    /// </summary>
    public static PhasePoint Step(PhasePoint point, double stepSize, MassMatrix metric, PotentialFunction potential)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(potential);
        var halfMomentum = Vectors.AddScaled(point.Momentum, -0.5 * stepSize, point.Gradient);
        var position = Vectors.AddScaled(point.Position, stepSize, metric.Velocity(halfMomentum));
        var (energy, gradient) = potential(position);
        var momentum = Vectors.AddScaled(halfMomentum, -0.5 * stepSize, gradient);
        return new PhasePoint(position, momentum, energy, gradient);
    }
}
