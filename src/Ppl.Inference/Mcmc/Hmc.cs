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
    protected internal override (PhasePoint[] Next, TransitionStats[] Stats) IntegrateChains(IReadOnlyList<HamiltonianKernel> kernels, PhasePoint[] starts, BatchPotentialFunction potential, Func<double>[] uniforms)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        ArgumentNullException.ThrowIfNull(starts);
        ArgumentNullException.ThrowIfNull(uniforms);
        var hmc = kernels.Cast<Hmc>().ToArray();
        if (hmc.Any(k => k.NumSteps is < 1))
        {
            throw new InvalidOperationException("Hmc: NumSteps must be at least 1.");
        }

        int chains = starts.Length;
        var h0 = hmc.Select((k, c) => k.Hamiltonian(starts[c])).ToArray();
        var steps = hmc.Select(k => k.StepsPerTransition).ToArray();
        var stepSizes = hmc.Select(k => k.StepSize).ToArray();
        var metrics = hmc.Select(k => k.Metric).ToArray();
        var idle = starts.Select(s => s.Position).ToArray();
        var ends = (PhasePoint[])starts.Clone();
        var taken = new int[chains];
        var divergent = new bool[chains];
        for (int step = 0; step < steps.Max(); step++)
        {
            var moving = ends.Select((p, c) => step < steps[c] && !divergent[c] ? p : null).ToArray();
            if (moving.All(p => p is null))
            {
                break;
            }

            var next = Leapfrog.Steps(moving, stepSizes, metrics, potential, idle);
            for (int c = 0; c < chains; c++)
            {
                if (next[c] is not { } point)
                {
                    continue;
                }

                taken[c]++;
                ends[c] = point;
                divergent[c] = hmc[c].Hamiltonian(point) - h0[c] > hmc[c].MaxEnergyError;
            }
        }

        var result = new PhasePoint[chains];
        var stats = new TransitionStats[chains];
        for (int c = 0; c < chains; c++)
        {
            double h = hmc[c].Hamiltonian(ends[c]);
            double acceptance = divergent[c] ? 0 : Math.Min(1, Math.Exp(h0[c] - h));
            bool accept = !divergent[c] && uniforms[c]() < acceptance;
            result[c] = accept ? ends[c] : starts[c];
            stats[c] = new TransitionStats(acceptance, divergent[c], 0, taken[c], accept ? h : h0[c], stepSizes[c]);
        }

        return (result, stats);
    }
}
