namespace Ppl.Inference.Mcmc;

/// <summary>
/// The No-U-Turn sampler (Hoffman and Gelman 2014) in the form Stan and Pyro run: the trajectory doubles
/// forwards or backwards at random until it makes a U-turn (the generalized criterion on summed momenta,
/// checked on every balanced subtree and across each merge), diverges, or reaches
/// <see cref="MaxTreeDepth"/>; the next state is drawn from the trajectory by multinomial sampling,
/// uniform within subtrees and biased towards the newest subtree at the top, which keeps the posterior invariant.
/// </summary>
public sealed class Nuts : HamiltonianKernel
{
    /// <summary>The most doublings a trajectory makes (2^depth leapfrog steps at most); 10 as Stan and Pyro.</summary>
    public int MaxTreeDepth { get; init; } = 10;

    /// <inheritdoc />
    protected internal override (PhasePoint Next, TransitionStats Stats) Integrate(PhasePoint start, PotentialFunction potential, Func<double> uniform)
    {
        ArgumentNullException.ThrowIfNull(uniform);
        return Integrate(start, potential, () => uniform() > 0.5, uniform);
    }

    /// <summary>The transition with the doubling directions drawn from <paramref name="goForward"/> and the sampling decisions from <paramref name="uniform"/>.</summary>
    internal (PhasePoint Next, TransitionStats Stats) Integrate(PhasePoint start, PotentialFunction potential, Func<bool> goForward, Func<double> uniform)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(potential);
        ArgumentNullException.ThrowIfNull(goForward);
        ArgumentNullException.ThrowIfNull(uniform);
        var run = new Run(this, potential, uniform, Hamiltonian(start));
        var velocity = Metric.Velocity(start.Momentum);
        var backward = new End(start, start.Momentum, velocity);
        var forward = backward;
        var rho = start.Momentum;
        var sample = start;
        double logWeight = 0; // the start's weight exp(H0 − H0)
        int depth = 0;
        while (depth < MaxTreeDepth)
        {
            bool forwards = goForward();
            var edge = forwards ? forward : backward;
            var subtree = run.Build(edge.Point, depth, forwards ? StepSize : -StepSize);
            if (!subtree.Valid)
            {
                break;
            }

            depth++;
            // biased progressive sampling: the new subtree's proposal replaces the sample with probability min(1, W_new / W_old)
            if (subtree.LogWeight > logWeight || uniform() < Math.Exp(subtree.LogWeight - logWeight))
            {
                sample = subtree.Proposal;
            }

            logWeight = LogAddExp(logWeight, subtree.LogWeight);
            // the old trajectory, oriented in the direction of growth, merged with the subtree
            var near = forwards ? forward : backward;
            var far = forwards ? backward : forward;
            bool persist = Merged(far, near, rho, subtree, out rho);
            if (forwards)
            {
                forward = subtree.Last;
            }
            else
            {
                backward = subtree.Last;
            }

            if (!persist)
            {
                break;
            }
        }

        double acceptance = run.LeapfrogSteps == 0 ? 0 : run.AcceptanceSum / run.LeapfrogSteps;
        var stats = new TransitionStats(acceptance, run.Divergent, depth, run.LeapfrogSteps, Hamiltonian(sample), StepSize);
        return (sample, stats);
    }

    /// <summary>
    /// The U-turn checks when a trajectory running from <paramref name="first"/> to <paramref name="last"/>
    /// (summed momentum <paramref name="rho"/>) is extended by <paramref name="next"/>, which continues from
    /// <paramref name="last"/>: the whole, and each part extended by the other's nearest state (Stan's checks
    /// across subtrees). Gives the merged summed momentum.
    /// </summary>
    private static bool Merged(End first, End last, double[] rho, Subtree next, out double[] mergedRho)
    {
        mergedRho = Vectors.Add(rho, next.Rho);
        return NoUTurn(first.Velocity, next.Last.Velocity, mergedRho)
            && NoUTurn(first.Velocity, next.First.Velocity, Vectors.Add(rho, next.First.Momentum))
            && NoUTurn(last.Velocity, next.Last.Velocity, Vectors.Add(next.Rho, last.Momentum));
    }

    /// <summary>The generalized no-U-turn criterion: both ends' velocities still point along the summed momentum.</summary>
    private static bool NoUTurn(double[] velocityStart, double[] velocityEnd, double[] rho) =>
        Vectors.Dot(velocityStart, rho) > 0 && Vectors.Dot(velocityEnd, rho) > 0;

    private static double LogAddExp(double a, double b)
    {
        if (double.IsNegativeInfinity(a))
        {
            return b;
        }

        if (double.IsNegativeInfinity(b))
        {
            return a;
        }

        double max = Math.Max(a, b);
        return max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
    }

    /// <summary>One end of a trajectory: its state, momentum and velocity M⁻¹p.</summary>
    private sealed record End(PhasePoint Point, double[] Momentum, double[] Velocity);

    /// <summary>A built subtree in the direction of integration: its first and last states, summed momentum, log weight Σ exp(H0 − H) and proposal.</summary>
    private sealed record Subtree(End First, End Last, double[] Rho, double LogWeight, PhasePoint Proposal, bool Valid);

    /// <summary>The counters of one transition and the recursive builder.</summary>
    private sealed class Run(Nuts kernel, PotentialFunction potential, Func<double> uniform, double h0)
    {
        public int LeapfrogSteps { get; private set; }

        public double AcceptanceSum { get; private set; }

        public bool Divergent { get; private set; }

        public Subtree Build(PhasePoint from, int depth, double step)
        {
            if (depth == 0)
            {
                var point = Leapfrog.Step(from, step, kernel.Metric, potential);
                LeapfrogSteps++;
                double h = kernel.Hamiltonian(point);
                double logWeight = h0 - h;
                bool divergent = h - h0 > kernel.MaxEnergyError;
                Divergent |= divergent;
                AcceptanceSum += logWeight > 0 ? 1 : Math.Exp(logWeight);
                var end = new End(point, point.Momentum, kernel.Metric.Velocity(point.Momentum));
                return new Subtree(end, end, point.Momentum, logWeight, point, !divergent);
            }

            var left = Build(from, depth - 1, step);
            if (!left.Valid)
            {
                return left;
            }

            var right = Build(left.Last.Point, depth - 1, step);
            if (!right.Valid)
            {
                return right;
            }

            double total = LogAddExp(left.LogWeight, right.LogWeight);
            // uniform progressive sampling inside a subtree: the right half's proposal with probability W_right / W_total
            var proposal = uniform() < Math.Exp(right.LogWeight - total) ? right.Proposal : left.Proposal;
            bool persist = Merged(left.First, left.Last, left.Rho, right, out var rho);
            return new Subtree(left.First, right.Last, rho, total, proposal, persist);
        }
    }
}
