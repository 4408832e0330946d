using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples.GillespieScm.Kinetics;

/// <summary>
/// The fast path: Gillespie's direct method for many independent cells at once. The cells form a
/// batch dimension (a plate of conditionally independent copies); every step all of them draw
/// their next waiting time and reaction together as tensors, each on its own clock. A cell whose
/// next reaction falls after the last observation time is finished: it stops changing, and
/// finished cells are dropped from the working tensors as they accumulate, so the cost follows the
/// cells still running. The draws are the same as <see cref="GillespieProgram"/>'s (exponential
/// waiting time with the total propensity, reaction with probability proportional to its
/// propensity) without recording sites.
/// </summary>
public static class BatchedGillespie
{
    private const int CheckEvery = 32;

    /// <summary>
    /// Simulates <paramref name="cells"/> independent cells from <paramref name="initial"/> under
    /// <paramref name="intervention"/> and returns each cell's state at each of <paramref name="times"/>.
    /// </summary>
    /// <param name="cascade">The reaction network.</param>
    /// <param name="intervention">The kinetic intervention (clamps).</param>
    /// <param name="cells">The number of cells.</param>
    /// <param name="initial">The state of every cell at time 0 (clamped species are overwritten).</param>
    /// <param name="times">Observation times, ascending and positive.</param>
    /// <param name="generator">Random source (its device is used); null for the global one on the CPU.</param>
    /// <param name="maxSteps">Guard against runaway horizons.</param>
    /// <exception cref="ArgumentException">Bad counts, times or intervention.</exception>
    /// <exception cref="InvalidOperationException">Some cell needed more than <paramref name="maxSteps"/> reactions.</exception>
    public static CellSnapshots Simulate(
        Cascade cascade,
        KineticIntervention intervention,
        long cells,
        IReadOnlyList<long> initial,
        IReadOnlyList<double> times,
        Generator? generator = null,
        long maxSteps = 10_000_000)
    {
        ArgumentNullException.ThrowIfNull(cascade);
        ArgumentNullException.ThrowIfNull(intervention);
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(times);
        intervention.Validate(cascade);
        var start = intervention.ApplyTo(initial);
        cascade.CheckState(start, nameof(initial));
        CheckTimes(times);
        if (cells < 1)
        {
            throw new ArgumentException($"BatchedGillespie: need at least one cell, got {cells}.", nameof(cells));
        }

        var device = generator?.device ?? CPU;
        using var outer = NewDisposeScope();
        var network = new Network(cascade, intervention, times, device);
        var result = zeros([cells, times.Count, cascade.SpeciesCount], dtype: ScalarType.Float64, device: device);
        using var loop = new LoopState(
            tensor(start.Select(c => (double)c).ToArray(), dtype: ScalarType.Float64, device: device).expand(cells, -1).contiguous(),
            zeros(cells, dtype: ScalarType.Float64, device: device),
            zeros([cells, times.Count, cascade.SpeciesCount], dtype: ScalarType.Float64, device: device),
            arange(cells, dtype: ScalarType.Int64, device: device));

        long steps = 0;
        while (true)
        {
            using (var scope = NewDisposeScope())
            {
                network.Step(loop, generator);
            }

            steps++;
            if (steps % CheckEvery != 0)
            {
                continue;
            }

            // one host sync every few steps: stop, or drop finished cells when they are many
            long running = loop.Running(network.LastTime);
            if (running == 0)
            {
                break;
            }

            if (steps >= maxSteps)
            {
                throw new InvalidOperationException(
                    $"BatchedGillespie: {running} cells still running after {steps} steps; shorten the horizon ({network.LastTime}) or raise maxSteps.");
            }

            if (running * 4 < loop.Size * 3)
            {
                loop.Compact(result, network.LastTime);
            }
        }

        loop.Flush(result);
        var counts = result.round().to(ScalarType.Int64).MoveToOuterDisposeScope();
        return new CellSnapshots(counts, [.. times], steps);
    }

    private static void CheckTimes(IReadOnlyList<double> times)
    {
        if (times.Count == 0)
        {
            throw new ArgumentException("BatchedGillespie: give at least one observation time.", nameof(times));
        }

        for (int k = 0; k < times.Count; k++)
        {
            if (!(times[k] > 0) || double.IsInfinity(times[k]) || (k > 0 && !(times[k] > times[k - 1])))
            {
                throw new ArgumentException(
                    $"BatchedGillespie: observation times must be finite, positive and strictly increasing; got [{string.Join(", ", times)}].", nameof(times));
            }
        }
    }

    /// <summary>The reaction network as tensors, and one step of it.</summary>
    private sealed class Network
    {
        private readonly Tensor _activation;   // [L], zero for clamped species
        private readonly Tensor _deactivation; // [L], zero for clamped species
        private readonly Tensor _change;       // [2L + 1, L] stoichiometry; the last row (no reaction) is zero
        private readonly Tensor _totals;       // [L]
        private readonly Tensor _earlier;      // [K − 1] observation times before the last
        private readonly int _species;

        public Network(Cascade cascade, KineticIntervention intervention, IReadOnlyList<double> times, Device device)
        {
            int l = cascade.SpeciesCount;
            _species = l;
            var allowed = intervention.AllowedReactions(cascade);
            var change = new double[(cascade.ReactionCount + 1) * l];
            for (int i = 0; i < l; i++)
            {
                change[(2 * i * l) + i] = 1;
                change[(((2 * i) + 1) * l) + i] = -1;
            }

            _activation = tensor(cascade.Activation.Select((a, i) => allowed[2 * i] ? a : 0).ToArray(), dtype: ScalarType.Float64, device: device);
            _deactivation = tensor(cascade.Deactivation.Select((d, i) => allowed[(2 * i) + 1] ? d : 0).ToArray(), dtype: ScalarType.Float64, device: device);
            _change = tensor(change, dtype: ScalarType.Float64, device: device).view(cascade.ReactionCount + 1, l);
            _totals = tensor(cascade.Totals.Select(t => (double)t).ToArray(), dtype: ScalarType.Float64, device: device);
            _earlier = tensor(times.Take(times.Count - 1).ToArray(), dtype: ScalarType.Float64, device: device);
            LastTime = times[^1];
        }

        /// <summary>The last observation time: a cell whose clock passes it is finished.</summary>
        public double LastTime { get; }

        /// <summary>One event for every running cell, in place. Finished cells keep their state; their clocks run on past <see cref="LastTime"/>.</summary>
        public void Step(LoopState s, Generator? generator)
        {
            var x = s.Counts;
            long n = x.shape[0];

            // propensities, interleaved per species: [activation, deactivation] — drive is 1 for X1, X_{i−1} after
            var drive = nn.functional.pad(x.narrow(1, 0, _species - 1), [1, 0], value: 1.0);
            var activation = drive.mul(_totals.sub(x)).mul_(_activation);
            var deactivation = x.mul(_deactivation);
            var cumulative = stack([activation, deactivation], 2).view(n, 2 * _species).cumsum(1);
            var total = cumulative.select(1, (2 * _species) - 1);

            // waiting time Exp(1)/a0: infinite where nothing can fire, so absorbed cells finish
            var wait = empty(n, dtype: x.dtype, device: x.device).exponential_(1.0, generator).div_(total);
            if (_earlier.shape[0] > 0)
            {
                // x holds on [t, t + wait): it is the state at every earlier observation time in there
                var before = s.Time.unsqueeze(1);
                var hit = before.le(_earlier).logical_and_(before.add(wait.unsqueeze(1)).gt(_earlier));
                var earlier = s.Recorded.narrow(1, 0, _earlier.shape[0]);
                earlier.copy_(where(hit.unsqueeze(2), x.unsqueeze(1), earlier));
            }

            s.Time.add_(wait);
            var finished = s.Time.gt(LastTime);

            // reaction: the first whose cumulative propensity exceeds u·a0 (an inverse-CDF categorical draw);
            // finished cells take the zero row, so their state (the state at the last time) stays put
            var threshold = rand(n, dtype: x.dtype, device: x.device, generator: generator).mul_(total).masked_fill_(finished, double.PositiveInfinity);
            var reaction = cumulative.le(threshold.unsqueeze(1)).sum(1);
            x.add_(_change.index_select(0, reaction));
        }
    }

    /// <summary>The working tensors of the running cells; it owns them (they live outside any dispose scope).</summary>
    private sealed class LoopState : IDisposable
    {
        public LoopState(Tensor counts, Tensor time, Tensor recorded, Tensor ids)
        {
            Counts = counts.DetachFromDisposeScope();
            Time = time.DetachFromDisposeScope();
            Recorded = recorded.DetachFromDisposeScope();
            Ids = ids.DetachFromDisposeScope();
        }

        public Tensor Counts { get; private set; }

        public Tensor Time { get; private set; }

        public Tensor Recorded { get; private set; }

        public Tensor Ids { get; private set; }

        public long Size => Counts.shape[0];

        public long Running(double last)
        {
            using var scope = NewDisposeScope();
            return Time.le(last).sum().item<long>();
        }

        /// <summary>Writes every cell's observations to <paramref name="result"/> and keeps only the running cells.</summary>
        public void Compact(Tensor result, double last)
        {
            using var scope = NewDisposeScope();
            Flush(result);
            var keep = Time.le(last).nonzero().squeeze(1);
            Replace(Counts.index_select(0, keep), Time.index_select(0, keep), Recorded.index_select(0, keep), Ids.index_select(0, keep));
        }

        /// <summary>Writes every cell's observations (the earlier ones recorded, the last one its current state) to its row of <paramref name="result"/>.</summary>
        public void Flush(Tensor result)
        {
            using var scope = NewDisposeScope();
            Recorded.select(1, Recorded.shape[1] - 1).copy_(Counts);
            result.index_copy_(0, Ids, Recorded);
        }

        public void Dispose()
        {
            Counts.Dispose();
            Time.Dispose();
            Recorded.Dispose();
            Ids.Dispose();
        }

        private void Replace(Tensor counts, Tensor time, Tensor recorded, Tensor ids)
        {
            Dispose();
            Counts = counts.DetachFromDisposeScope();
            Time = time.DetachFromDisposeScope();
            Recorded = recorded.DetachFromDisposeScope();
            Ids = ids.DetachFromDisposeScope();
        }
    }
}
