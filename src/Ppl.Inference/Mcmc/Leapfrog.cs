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
        ArgumentNullException.ThrowIfNull(potential);
        return Steps([point], [stepSize], [metric], Batches.Of(potential), [point.Position])[0]!;
    }

    /// <summary>
    /// One step of every chain whose point is not null, with one evaluation of <paramref name="potential"/>
    /// for all chains; a chain without a point is evaluated at <paramref name="idle"/>'s position and gets null.
    /// </summary>
    public static PhasePoint?[] Steps(PhasePoint?[] points, double[] stepSizes, IReadOnlyList<MassMatrix> metrics, BatchPotentialFunction potential, double[][] idle)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(stepSizes);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(potential);
        ArgumentNullException.ThrowIfNull(idle);
        int chains = points.Length;
        var halves = new double[chains][];
        var positions = new double[chains][];
        for (int c = 0; c < chains; c++)
        {
            if (points[c] is { } point)
            {
                halves[c] = Vectors.AddScaled(point.Momentum, -0.5 * stepSizes[c], point.Gradient);
                positions[c] = Vectors.AddScaled(point.Position, stepSizes[c], metrics[c].Velocity(halves[c]));
            }
            else
            {
                positions[c] = idle[c];
            }
        }

        var (energies, gradients) = potential(positions);
        var next = new PhasePoint?[chains];
        for (int c = 0; c < chains; c++)
        {
            if (points[c] is not null)
            {
                next[c] = new PhasePoint(positions[c], Vectors.AddScaled(halves[c], -0.5 * stepSizes[c], gradients[c]), energies[c], gradients[c]);
            }
        }

        return next;
    }
}
