namespace Ppl.Inference.Mcmc;

/// <summary>
/// Hamiltonian Monte Carlo with a fixed trajectory: <see cref="NumSteps"/> leapfrog steps (or as many as
/// <see cref="TrajectoryLength"/> / step size), then a Metropolis accept or reject of the end point.
/// </summary>
public sealed class Hmc : HamiltonianKernel
{
    /// <summary>The integration time per transition when <see cref="NumSteps"/> is not given (2π, as Pyro).</summary>
    public double TrajectoryLength { get; init; } = 2 * Math.PI;

    /// <summary>A fixed number of leapfrog steps per transition; null follows <see cref="TrajectoryLength"/>.</summary>
    public int? NumSteps { get; init; }

    /// <summary>The leapfrog steps a transition takes at the current step size.</summary>
    public int StepsPerTransition => NumSteps ?? Math.Max(1, (int)Math.Min(int.MaxValue, TrajectoryLength / StepSize));

    /// <inheritdoc />
    protected internal override (PhasePoint Next, TransitionStats Stats) Integrate(PhasePoint start, PotentialFunction potential, Func<double> uniform)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(potential);
        ArgumentNullException.ThrowIfNull(uniform);
        if (NumSteps is < 1)
        {
            throw new InvalidOperationException($"Hmc: NumSteps must be at least 1; it is {NumSteps}.");
        }

        double h0 = Hamiltonian(start);
        var point = start;
        int steps = StepsPerTransition;
        bool divergent = false;
        int taken = 0;
        for (int i = 0; i < steps; i++)
        {
            point = Leapfrog.Step(point, StepSize, Metric, potential);
            taken++;
            if (Hamiltonian(point) - h0 > MaxEnergyError)
            {
                divergent = true;
                break;
            }
        }

        double h = Hamiltonian(point);
        double acceptance = divergent ? 0 : Math.Min(1, Math.Exp(h0 - h));
        bool accept = !divergent && uniform() < acceptance;
        var next = accept ? point : start;
        return (next, new TransitionStats(acceptance, divergent, 0, taken, accept ? h : h0, StepSize));
    }
}
