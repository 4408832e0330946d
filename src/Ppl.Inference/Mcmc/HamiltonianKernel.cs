namespace Ppl.Inference.Mcmc;

/// <summary>
/// A Hamiltonian transition kernel (<see cref="Hmc"/>, <see cref="Nuts"/>): a step size, a metric, and a
/// transition from a position to the next. Warm-up (<see cref="Mcmc{TArgs}"/>) tunes the step size and
/// metric; the kernel holds no random state of its own, it draws from the source it is given.
/// </summary>
public abstract class HamiltonianKernel
{
    private MassMatrix? _metric;

    /// <summary>An energy error above this marks a divergent transition (Stan's 1000).</summary>
    public double MaxEnergyError { get; init; } = 1000;

    /// <summary>The leapfrog step size.</summary>
    public double StepSize { get; set; } = 1;

    /// <summary>The metric (the sampler starts it at the identity; warm-up adapts it).</summary>
    public MassMatrix Metric
    {
        get => _metric ?? throw new InvalidOperationException($"{GetType().Name}: the metric is not set; the sampler sets it when it starts.");
        set => _metric = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// One transition from <paramref name="current"/> (its momentum is ignored): draws a momentum from
    /// N(0, M) and integrates; directions and acceptances draw from <paramref name="random"/> too.
    /// </summary>
    public (PhasePoint Next, TransitionStats Stats) Transition(PhasePoint current, PotentialFunction potential, Random random)
    {
        ArgumentNullException.ThrowIfNull(potential);
        var (next, stats) = TransitionChains([this], [current], Batches.Of(potential), [random]);
        return (next[0], stats[0]);
    }

    /// <summary>
    /// One transition of every chain at once (vectorized chains): chain c moves with <paramref name="kernels"/>[c]'s
    /// step size and metric and draws from <paramref name="randoms"/>[c]; each leapfrog step evaluates
    /// <paramref name="potential"/> once for all chains. The kernels must be of one type.
    /// </summary>
    /// <exception cref="ArgumentException">The arrays' lengths differ or the kernels are of different types.</exception>
    public static (PhasePoint[] Next, TransitionStats[] Stats) TransitionChains(IReadOnlyList<HamiltonianKernel> kernels, PhasePoint[] current, BatchPotentialFunction potential, Random[] randoms)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(potential);
        ArgumentNullException.ThrowIfNull(randoms);
        if (kernels.Count == 0 || current.Length != kernels.Count || randoms.Length != kernels.Count || kernels.Any(k => k.GetType() != kernels[0].GetType()))
        {
            throw new ArgumentException($"HamiltonianKernel.TransitionChains: one kernel, position and random source per chain, kernels of one type; got {kernels.Count} kernels, {current.Length} positions, {randoms.Length} sources.", nameof(kernels));
        }

        var starts = new PhasePoint[current.Length];
        for (int c = 0; c < current.Length; c++)
        {
            starts[c] = current[c].WithMomentum(kernels[c].Metric.DrawMomentum(randoms[c]));
        }

        return kernels[0].IntegrateChains(kernels, starts, potential, [.. randoms.Select(r => (Func<double>)r.NextDouble)]);
    }

    /// <summary>
    /// The transitions of every chain from <paramref name="starts"/> with their momenta; chain c's scalar
    /// decisions (directions, acceptances) draw from <paramref name="uniforms"/>[c] (each in [0, 1)).
    /// </summary>
    protected internal abstract (PhasePoint[] Next, TransitionStats[] Stats) IntegrateChains(IReadOnlyList<HamiltonianKernel> kernels, PhasePoint[] starts, BatchPotentialFunction potential, Func<double>[] uniforms);

    /// <summary>H = U(q) + ½ pᵀM⁻¹p, +∞ when not a number.</summary>
    protected internal double Hamiltonian(PhasePoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        double h = point.PotentialEnergy + Metric.Kinetic(point.Momentum);
        return double.IsNaN(h) ? double.PositiveInfinity : h;
    }

    /// <summary>
    /// Stan's heuristic for a starting step size: from <see cref="StepSize"/>, doubles (or halves) it until
    /// one leapfrog step's acceptance probability crosses 0.8.
    /// </summary>
    /// <exception cref="InvalidOperationException">No step size between 1e-300 and 1e7 crosses it (the posterior is improper or the potential is not finite at the start).</exception>
    public void FindReasonableStepSize(PhasePoint current, PotentialFunction potential, Random random)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(random);
        double logTarget = Math.Log(0.8);
        int direction = 0;
        while (true)
        {
            var start = current.WithMomentum(Metric.DrawMomentum(random));
            double delta = Hamiltonian(start) - Hamiltonian(Leapfrog.Step(start, StepSize, Metric, potential));
            if (direction == 0)
            {
                direction = delta > logTarget ? 1 : -1;
            }
            else if ((direction == 1 && !(delta > logTarget)) || (direction == -1 && !(delta < logTarget)))
            {
                return;
            }

            StepSize = direction == 1 ? StepSize * 2 : StepSize / 2;
            if (StepSize > 1e7 || StepSize < 1e-300)
            {
                throw new InvalidOperationException($"MCMC: no step size gives a sensible acceptance from the current position (reached {StepSize:G3}); the posterior may be improper, or the potential energy there is {current.PotentialEnergy}.");
            }
        }
    }
}
