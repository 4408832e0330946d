using MathNet.Numerics.Distributions;
using Ppl.Inference.Mcmc;

namespace Ppl.Tests.Inference.Mcmc;

/// <summary>
/// NUTS's trajectory against a brute-force reference on a 2-D Gaussian: for a fixed start, momentum and
/// sequence of doubling directions, the reference integrates every state with plain leapfrog steps,
/// decides where the trajectory stops by checking the no-U-turn conditions on every aligned block of
/// states (iteratively, where the sampler recurses), and computes each state's exact selection
/// probability (multinomial within a subtree, biased towards the new subtree at the top); the sampler's
/// selections over many uniform draws must match those probabilities. And invariance: one transition from
/// exact posterior draws leaves the posterior unchanged (Kolmogorov–Smirnov).
/// </summary>
public sealed class NutsTreeTests
{
    // U(q) = ½ qᵀAq, a Gaussian with precision A (sds about 1 and 0.4, correlation 0.5)
    private static readonly double[,] Precision = { { 1.3, -1.2 }, { -1.2, 7.0 } };

    private static (double Energy, double[] Gradient) Potential(double[] q)
    {
        double[] g = [(Precision[0, 0] * q[0]) + (Precision[0, 1] * q[1]), (Precision[1, 0] * q[0]) + (Precision[1, 1] * q[1])];
        return (0.5 * ((q[0] * g[0]) + (q[1] * g[1])), g);
    }

    public static TheoryData<double, bool[], double[], double> Trajectories => new()
    {
        { 0.25, [true, false, true, true, false, true], [0.6, 1.1], 1000 },
        { 0.1, [true, true, false, true, true, true, true], [0.6, 1.1], 1000 },
        { 0.5, [true, false, false, true, true, true], [0.6, 1.1], 0.3 }, // a low divergence threshold cuts the trajectory short
        { 0.4, [false, true, false, true, true, false, false], [0.6, 1.1], 1000 }, // stops only by the check of the new subtree extended by the old tree's nearest state
        { 0.4, [false, true, false, true, false, true], [1.3, 1.1], 1000 }, // likewise, growing the other way
        { 0.1, [true, true, false, false, true, false], [-1.3, 1.1], 1000 }, // stops only by the check of the old tree extended by the new subtree's nearest state
    };

    [Theory]
    [MemberData(nameof(Trajectories))]
    public void SelectionProbabilitiesMatchTheBruteForceTree(double stepSize, bool[] directions, double[] momentum, double maxEnergyError)
    {
        var start = new PhasePoint([0.8, -0.3], momentum, Potential([0.8, -0.3]).Energy, Potential([0.8, -0.3]).Gradient);
        var reference = new BruteForceTree(start, stepSize, directions, maxEnergyError);
        Assert.True(reference.Depth >= 2, $"the configuration should build a few doublings; the reference stops at depth {reference.Depth}");

        var kernel = new Nuts { StepSize = stepSize, MaxTreeDepth = directions.Length, MaxEnergyError = maxEnergyError, Metric = MassMatrix.Identity(2, dense: false) };
        var random = new Random(11);
        const int runs = 20_000;
        var counts = new int[reference.States.Count];
        for (int r = 0; r < runs; r++)
        {
            int d = 0;
            var (next, stats) = kernel.Integrate(start, Potential, () => directions[d++], random.NextDouble);
            Assert.Equal(reference.Depth, stats.TreeDepth);
            int index = reference.States.FindIndex(s => Math.Abs(s[0] - next.Position[0]) < 1e-12 && Math.Abs(s[1] - next.Position[1]) < 1e-12);
            Assert.True(index >= 0, $"the sampler chose ({next.Position[0]}, {next.Position[1]}), which is not a state of the reference trajectory");
            counts[index]++;
        }

        // Pearson's chi-square over the states with positive probability, at the 0.1 % level
        double chi2 = 0;
        int cells = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            double expected = runs * reference.Probabilities[i];
            if (reference.Probabilities[i] == 0)
            {
                Assert.Equal(0, counts[i]);
                continue;
            }

            chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
            cells++;
        }

        double critical = ChiSquared.InvCDF(Math.Max(1, cells - 1), 0.999);
        Assert.True(chi2 < critical, $"χ² {chi2:F1} over {cells} states ≥ {critical:F1}: selection frequencies differ from the exact probabilities");
    }

    [Fact]
    public void OneTransitionFromThePosteriorLeavesThePosteriorInvariant()
    {
        // exact draws q ~ N(0, A⁻¹), one NUTS transition each (fixed step size, identity metric): each coordinate
        // of the results must still follow its marginal N(0, (A⁻¹)_ii)
        double det = (Precision[0, 0] * Precision[1, 1]) - (Precision[0, 1] * Precision[1, 0]);
        double[] sd = [Math.Sqrt(Precision[1, 1] / det), Math.Sqrt(Precision[0, 0] / det)];
        double rho = -Precision[0, 1] / det / (sd[0] * sd[1]);
        var kernel = new Nuts { StepSize = 0.35, Metric = MassMatrix.Identity(2, dense: false) };
        var random = new Random(5);
        const int n = 4000;
        var moved = new[] { new double[n], new double[n] };
        for (int i = 0; i < n; i++)
        {
            double z0 = Normal.Sample(random, 0, 1), z1 = Normal.Sample(random, 0, 1);
            double[] q = [sd[0] * z0, sd[1] * ((rho * z0) + (Math.Sqrt(1 - (rho * rho)) * z1))];
            var (energy, gradient) = Potential(q);
            var (next, _) = kernel.Transition(new PhasePoint(q, q, energy, gradient), Potential, random);
            moved[0][i] = next.Position[0];
            moved[1][i] = next.Position[1];
        }

        double critical = 1.95 / Math.Sqrt(n); // Kolmogorov–Smirnov at the 0.1 % level
        for (int c = 0; c < 2; c++)
        {
            double ks = KolmogorovSmirnov(moved[c], new Normal(0, sd[c]));
            Assert.True(ks < critical, $"coordinate {c}: KS statistic {ks:F4} ≥ {critical:F4}");
        }
    }

    private static double KolmogorovSmirnov(double[] sample, Normal target)
    {
        var sorted = sample.OrderBy(v => v).ToArray();
        double d = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            double f = target.CumulativeDistribution(sorted[i]);
            d = Math.Max(d, Math.Max(((i + 1.0) / sorted.Length) - f, f - ((double)i / sorted.Length)));
        }

        return d;
    }

    /// <summary>The reference: states in time order, where the trajectory stops, and each state's selection probability.</summary>
    private sealed class BruteForceTree
    {
        public BruteForceTree(PhasePoint start, double step, bool[] directions, double maxEnergyError)
        {
            // time-ordered states: index 0 is the start; forward states append, backward states prepend
            var timeline = new List<(double[] Q, double[] P, double H)> { (start.Position, start.Momentum, Hamiltonian(start.Position, start.Momentum)) };
            double h0 = timeline[0].H;
            var probabilities = new Dictionary<double[], double>(ReferenceEqualityComparer.Instance) { [start.Position] = 1 };
            double oldWeight = 1;
            for (int j = 0; j < directions.Length; j++)
            {
                // the new subtree: 2^j leapfrog steps from the edge in the chosen direction, in time order
                int size = 1 << j;
                var edge = directions[j] ? timeline[^1] : timeline[0];
                var added = new List<(double[] Q, double[] P, double H)>();
                var (q, p) = (edge.Q, edge.P);
                for (int k = 0; k < size; k++)
                {
                    (q, p) = LeapfrogStep(q, p, directions[j] ? step : -step);
                    added.Add((q, p, Hamiltonian(q, p)));
                }

                if (!directions[j])
                {
                    added.Reverse();
                }

                bool divergent = added.Any(s => s.H - h0 > maxEnergyError);
                if (divergent || !EveryBlockTurnsNot(added))
                {
                    break; // the subtree is thrown away, with its states
                }

                Depth = j + 1;
                double newWeight = added.Sum(s => Math.Exp(h0 - s.H));
                double take = Math.Min(1, newWeight / oldWeight);
                foreach (var key in probabilities.Keys.ToList())
                {
                    probabilities[key] *= 1 - take;
                }

                foreach (var s in added)
                {
                    probabilities[s.Q] = take * Math.Exp(h0 - s.H) / newWeight;
                }

                oldWeight += newWeight;
                var merged = directions[j] ? timeline.Concat(added).ToList() : added.Concat(timeline).ToList();
                int split = directions[j] ? timeline.Count : added.Count;
                timeline = merged;
                if (!NoUTurnAcross(timeline, 0, split, timeline.Count))
                {
                    break;
                }
            }

            States = [.. probabilities.Keys];
            Probabilities = [.. probabilities.Values];
        }

        public int Depth { get; }

        public List<double[]> States { get; }

        public double[] Probabilities { get; }

        private static double Hamiltonian(double[] q, double[] p) => Potential(q).Energy + (0.5 * ((p[0] * p[0]) + (p[1] * p[1])));

        private static (double[] Q, double[] P) LeapfrogStep(double[] q, double[] p, double step)
        {
            var g = Potential(q).Gradient;
            double[] half = [p[0] - (0.5 * step * g[0]), p[1] - (0.5 * step * g[1])];
            double[] next = [q[0] + (step * half[0]), q[1] + (step * half[1])];
            var g2 = Potential(next).Gradient;
            return (next, [half[0] - (0.5 * step * g2[0]), half[1] - (0.5 * step * g2[1])]);
        }

        /// <summary>Every aligned block of 2, 4, … states of a subtree passes the checks across its two halves.</summary>
        private static bool EveryBlockTurnsNot(List<(double[] Q, double[] P, double H)> states)
        {
            for (int size = 2; size <= states.Count; size *= 2)
            {
                for (int from = 0; from < states.Count; from += size)
                {
                    if (!NoUTurnAcross(states, from, from + (size / 2), from + size))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        /// <summary>States [from, split) and [split, to): the whole, and each half extended by the other's nearest state, pass the generalized criterion.</summary>
        private static bool NoUTurnAcross(List<(double[] Q, double[] P, double H)> s, int from, int split, int to)
        {
            double[] Sum(int a, int b) => [s.Skip(a).Take(b - a).Sum(x => x.P[0]), s.Skip(a).Take(b - a).Sum(x => x.P[1])];
            static bool Ok(double[] left, double[] right, double[] rho) =>
                (left[0] * rho[0]) + (left[1] * rho[1]) > 0 && (right[0] * rho[0]) + (right[1] * rho[1]) > 0;
            return Ok(s[from].P, s[to - 1].P, Sum(from, to))
                && Ok(s[from].P, s[split].P, Sum(from, split + 1))
                && Ok(s[split - 1].P, s[to - 1].P, Sum(split - 1, to));
        }
    }
}
