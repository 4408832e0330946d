namespace Ppl.Inference.Mcmc;

/// <summary>
/// The No-U-Turn sampler (Hoffman and Gelman 2014) in the form Stan and Pyro run: the trajectory doubles
/// forwards or backwards at random until it makes a U-turn (the generalized criterion on summed momenta,
/// checked on every balanced subtree and across each merge), diverges, or reaches
/// <see cref="MaxTreeDepth"/>; the next state is drawn from the trajectory by multinomial sampling,
/// uniform within subtrees and biased towards the newest subtree at the top, which keeps the posterior invariant.
/// </summary>
/// <remarks>
/// Vectorized chains build their trees in lockstep: every leapfrog step evaluates the potential once for
/// all chains, a chain whose tree has stopped waits (its evaluations are wasted), and the transition ends
/// when every chain's tree has stopped.
/// </remarks>
public sealed class Nuts : HamiltonianKernel
{
    /// <summary>The most doublings a trajectory makes (2^depth leapfrog steps at most); 10 as Stan and Pyro.</summary>
    public int MaxTreeDepth { get; init; } = 10;

    /// <inheritdoc />
    protected internal override (PhasePoint[] Next, TransitionStats[] Stats) IntegrateChains(IReadOnlyList<HamiltonianKernel> kernels, PhasePoint[] starts, BatchPotentialFunction potential, Func<double>[] uniforms)
    {
        ArgumentNullException.ThrowIfNull(uniforms);
        return Trajectories(kernels.Cast<Nuts>().ToArray(), starts, potential, [.. uniforms.Select(u => (Func<bool>)(() => u() > 0.5))], uniforms);
    }

    /// <summary>One chain's transition with the doubling directions drawn from <paramref name="goForward"/> and the sampling decisions from <paramref name="uniform"/>.</summary>
    internal (PhasePoint Next, TransitionStats Stats) Integrate(PhasePoint start, PotentialFunction potential, Func<bool> goForward, Func<double> uniform)
    {
        var (next, stats) = Trajectories([this], [start], Batches.Of(potential), [goForward], [uniform]);
        return (next[0], stats[0]);
    }

    private static (PhasePoint[] Next, TransitionStats[] Stats) Trajectories(Nuts[] kernels, PhasePoint[] starts, BatchPotentialFunction potential, Func<bool>[] goForward, Func<double>[] uniforms)
    {
        ArgumentNullException.ThrowIfNull(starts);
        ArgumentNullException.ThrowIfNull(potential);
        int chains = starts.Length;
        var run = new Run(kernels, potential, uniforms, [.. starts.Select((s, c) => kernels[c].Hamiltonian(s))], [.. starts.Select(s => s.Position)]);
        var trees = starts.Select((s, c) => new Trajectory(s, kernels[c].Metric.Velocity(s.Momentum))).ToArray();
        for (int depth = 0; trees.Any(t => !t.Done); depth++)
        {
            var from = new PhasePoint?[chains];
            var steps = new double[chains];
            for (int c = 0; c < chains; c++)
            {
                if (trees[c].Done || depth >= kernels[c].MaxTreeDepth)
                {
                    trees[c].Done = true;
                    continue;
                }

                trees[c].Forwards = goForward[c]();
                from[c] = (trees[c].Forwards ? trees[c].Forward : trees[c].Backward).Point;
                steps[c] = trees[c].Forwards ? kernels[c].StepSize : -kernels[c].StepSize;
            }

            if (from.All(f => f is null))
            {
                break;
            }

            var subtrees = run.Build(from, depth, steps);
            for (int c = 0; c < chains; c++)
            {
                if (subtrees[c] is { } subtree)
                {
                    trees[c].Extend(subtree, uniforms[c]);
                }
            }
        }

        var next = new PhasePoint[chains];
        var stats = new TransitionStats[chains];
        for (int c = 0; c < chains; c++)
        {
            double acceptance = run.LeapfrogSteps[c] == 0 ? 0 : run.AcceptanceSum[c] / run.LeapfrogSteps[c];
            next[c] = trees[c].Sample;
            stats[c] = new TransitionStats(acceptance, run.Divergent[c], trees[c].Depth, run.LeapfrogSteps[c], kernels[c].Hamiltonian(next[c]), kernels[c].StepSize);
        }

        return (next, stats);
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

    /// <summary>One chain's trajectory at the top level: its two ends, summed momentum, total weight and current sample.</summary>
    private sealed class Trajectory(PhasePoint start, double[] velocity)
    {
        public End Backward { get; private set; } = new(start, start.Momentum, velocity);

        public End Forward { get; private set; } = new(start, start.Momentum, velocity);

        public PhasePoint Sample { get; private set; } = start;

        public int Depth { get; private set; }

        public bool Done { get; set; }

        public bool Forwards { get; set; }

        private double[] Rho { get; set; } = start.Momentum;

        private double LogWeight { get; set; } // the start's weight exp(H0 − H0)

        /// <summary>Adds the subtree built from the end <see cref="Forwards"/> names, or stops at an invalid one (which is discarded).</summary>
        public void Extend(Subtree subtree, Func<double> uniform)
        {
            if (!subtree.Valid)
            {
                Done = true;
                return;
            }

            Depth++;
            // biased progressive sampling: the new subtree's proposal replaces the sample with probability min(1, W_new / W_old)
            if (subtree.LogWeight > LogWeight || uniform() < Math.Exp(subtree.LogWeight - LogWeight))
            {
                Sample = subtree.Proposal;
            }

            LogWeight = LogAddExp(LogWeight, subtree.LogWeight);
            // the old trajectory, oriented in the direction of growth, merged with the subtree
            var (near, far) = Forwards ? (Forward, Backward) : (Backward, Forward);
            bool persist = Merged(far, near, Rho, subtree, out var rho);
            Rho = rho;
            if (Forwards)
            {
                Forward = subtree.Last;
            }
            else
            {
                Backward = subtree.Last;
            }

            Done = !persist;
        }
    }

    /// <summary>The counters of one transition of every chain and the recursive builder.</summary>
    private sealed class Run(Nuts[] kernels, BatchPotentialFunction potential, Func<double>[] uniforms, double[] h0, double[][] idle)
    {
        private readonly MassMatrix[] _metrics = [.. kernels.Select(k => k.Metric)];

        public int[] LeapfrogSteps { get; } = new int[kernels.Length];

        public double[] AcceptanceSum { get; } = new double[kernels.Length];

        public bool[] Divergent { get; } = new bool[kernels.Length];

        /// <summary>The subtrees of depth <paramref name="depth"/> of the chains with a start point; null for the others.</summary>
        public Subtree?[] Build(PhasePoint?[] from, int depth, double[] steps)
        {
            int chains = from.Length;
            var result = new Subtree?[chains];
            if (depth == 0)
            {
                var points = Leapfrog.Steps(from, steps, _metrics, potential, idle);
                for (int c = 0; c < chains; c++)
                {
                    if (points[c] is { } point)
                    {
                        result[c] = Leaf(c, point);
                    }
                }

                return result;
            }

            var left = Build(from, depth - 1, steps);
            var rightFrom = left.Select(l => l is { Valid: true } ? l.Last.Point : null).ToArray();
            var right = Build(rightFrom, depth - 1, steps);
            for (int c = 0; c < chains; c++)
            {
                if (left[c] is not { } l)
                {
                    continue;
                }

                if (!l.Valid)
                {
                    result[c] = l;
                    continue;
                }

                var r = right[c]!;
                if (!r.Valid)
                {
                    result[c] = r;
                    continue;
                }

                double total = LogAddExp(l.LogWeight, r.LogWeight);
                // uniform progressive sampling inside a subtree: the right half's proposal with probability W_right / W_total
                var proposal = uniforms[c]() < Math.Exp(r.LogWeight - total) ? r.Proposal : l.Proposal;
                bool persist = Merged(l.First, l.Last, l.Rho, r, out var rho);
                result[c] = new Subtree(l.First, r.Last, rho, total, proposal, persist);
            }

            return result;
        }

        private Subtree Leaf(int chain, PhasePoint point)
        {
            var kernel = kernels[chain];
            LeapfrogSteps[chain]++;
            double h = kernel.Hamiltonian(point);
            double logWeight = h0[chain] - h;
            bool divergent = h - h0[chain] > kernel.MaxEnergyError;
            Divergent[chain] |= divergent;
            AcceptanceSum[chain] += logWeight > 0 ? 1 : Math.Exp(logWeight);
            var end = new End(point, point.Momentum, kernel.Metric.Velocity(point.Momentum));
            return new Subtree(end, end, point.Momentum, logWeight, point, !divergent);
        }
    }
}
