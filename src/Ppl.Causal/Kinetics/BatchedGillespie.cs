using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal.Kinetics;

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
        var network = new Network(cascade, intervention, device);
        var result = zeros([cells, times.Count, cascade.SpeciesCount], dtype: ScalarType.Float64, device: device);
        var loop = new LoopState(
            tensor(start.Select(c => (double)c).ToArray(), dtype: ScalarType.Float64, device: device).expand(cells, -1).contiguous(),
            zeros(cells, dtype: ScalarType.Float64, device: device),
            zeros([cells, times.Count, cascade.SpeciesCount], dtype: ScalarType.Float64, device: device),
            arange(cells, dtype: ScalarType.Int64, device: device),
            zeros(cells, dtype: ScalarType.Bool, device: device));

        long steps = 0;
        long events = 0;
        var eventCount = zeros(1, dtype: ScalarType.Int64, device: device);
        double last = times[^1];
        while (true)
        {
            using (var scope = NewDisposeScope())
            {
                var (next, fired) = network.Step(loop, times, last, generator);
                loop.ReplaceWith(next);
                eventCount.add_(fired);
            }

            steps++;
            if (steps % CheckEvery != 0)
            {
                continue;
            }

            // one host sync every few steps: stop, or drop finished cells when they are many
            long running = loop.Running();
            if (running == 0)
            {
                break;
            }

            if (steps >= maxSteps)
            {
                throw new InvalidOperationException(
                    $"BatchedGillespie: {running} cells still running after {steps} steps; shorten the horizon ({last}) or raise maxSteps.");
            }

            if (running * 4 < loop.Size * 3)
            {
                loop.Compact(result);
            }
        }

        loop.Flush(result);
        events = eventCount.item<long>();
        loop.Dispose();
        var counts = result.round().to(ScalarType.Int64).MoveToOuterDisposeScope();
        return new CellSnapshots(counts, [.. times], steps, events);
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

    /// <summary>The reaction network as tensors.</summary>
    private sealed class Network
    {
        private readonly Tensor _rates;      // [R], zero for suppressed reactions
        private readonly Tensor _driver;     // [R] index into [1, x, T − x]
        private readonly Tensor _substrate;  // [R] index into [1, x, T − x]
        private readonly Tensor _change;     // [R, L] stoichiometry
        private readonly Tensor _totals;     // [L]

        public Network(Cascade cascade, KineticIntervention intervention, Device device)
        {
            int l = cascade.SpeciesCount;
            var allowed = intervention.AllowedReactions(cascade);
            var rates = new double[cascade.ReactionCount];
            var driver = new long[cascade.ReactionCount];
            var substrate = new long[cascade.ReactionCount];
            var change = new double[cascade.ReactionCount * l];
            for (int i = 0; i < l; i++)
            {
                rates[2 * i] = allowed[2 * i] ? cascade.Activation[i] : 0;
                rates[(2 * i) + 1] = allowed[(2 * i) + 1] ? cascade.Deactivation[i] : 0;
                driver[2 * i] = i == 0 ? 0 : i;          // the constant 1, or X_{i−1} at column 1 + (i − 1)
                substrate[2 * i] = 1 + l + i;              // inactive T_i − X_i
                driver[(2 * i) + 1] = 0;
                substrate[(2 * i) + 1] = 1 + i;            // active X_i
                change[(2 * i * l) + i] = 1;
                change[(((2 * i) + 1) * l) + i] = -1;
            }

            _rates = tensor(rates, dtype: ScalarType.Float64, device: device);
            _driver = tensor(driver, dtype: ScalarType.Int64, device: device);
            _substrate = tensor(substrate, dtype: ScalarType.Int64, device: device);
            _change = tensor(change, dtype: ScalarType.Float64, device: device).view(cascade.ReactionCount, l);
            _totals = tensor(cascade.Totals.Select(t => (double)t).ToArray(), dtype: ScalarType.Float64, device: device);
        }

        /// <summary>One event for every running cell; returns the next loop state and the number of reactions fired.</summary>
        public (LoopState Next, Tensor Fired) Step(LoopState s, IReadOnlyList<double> times, double last, Generator? generator)
        {
            var x = s.Counts;
            long n = x.shape[0];
            var factors = cat([ones(n, 1, dtype: x.dtype, device: x.device), x, _totals.sub(x)], 1);
            var propensities = factors.index_select(1, _driver).mul(factors.index_select(1, _substrate)).mul(_rates);
            var total = propensities.sum(1);
            var u = rand([n, 2], dtype: x.dtype, device: x.device, generator: generator);

            // waiting time −log(1 − u)/a0: infinite where nothing can fire (absorbed cells finish)
            var wait = u.select(1, 0).neg().log1p().neg().div(total);
            var tNext = s.Time.add(wait);

            // the state x holds on [t, tNext): it is the state at every observation time in there
            var recorded = s.Recorded;
            for (int k = 0; k < times.Count; k++)
            {
                var hit = s.Time.le(times[k]).logical_and(tNext.gt(times[k])).view(n, 1);
                var slot = recorded.select(1, k);
                recorded = recorded.index_copy(1, tensor(new long[] { k }, device: x.device), where(hit, x, slot).unsqueeze(1));
            }

            var finished = tNext.gt(last).logical_or(s.Finished);

            // reaction r: the first whose cumulative propensity exceeds u·a0 (inverse-CDF categorical draw)
            var threshold = u.select(1, 1).mul(total).unsqueeze(1);
            var reaction = propensities.cumsum(1).le(threshold).sum(1).clamp_max(_rates.shape[0] - 1);
            var live = finished.logical_not();
            var delta = _change.index_select(0, reaction).mul(live.unsqueeze(1).to(x.dtype));
            var next = new LoopState(x.add(delta), tNext, recorded, s.Ids, finished);
            return (next, live.sum());
        }
    }

    /// <summary>The working tensors of the running cells; it owns them (they live outside any dispose scope).</summary>
    private sealed class LoopState : IDisposable
    {
        public LoopState(Tensor counts, Tensor time, Tensor recorded, Tensor ids, Tensor finished)
        {
            (Counts, Time, Recorded, Ids, Finished) = (counts, time, recorded, ids, finished);
        }

        public Tensor Counts { get; private set; }

        public Tensor Time { get; private set; }

        public Tensor Recorded { get; private set; }

        public Tensor Ids { get; private set; }

        public Tensor Finished { get; private set; }

        public long Size => Counts.shape[0];

        public long Running() => Finished.logical_not().sum().item<long>();

        /// <summary>Takes the tensors of <paramref name="next"/> (made in an inner scope) and frees the current ones.</summary>
        public void ReplaceWith(LoopState next)
        {
            var old = (Counts, Time, Recorded, Ids, Finished);
            Counts = Keep(next.Counts, old.Counts);
            Time = Keep(next.Time, old.Time);
            Recorded = Keep(next.Recorded, old.Recorded);
            Ids = Keep(next.Ids, old.Ids);
            Finished = Keep(next.Finished, old.Finished);
        }

        /// <summary>Writes every cell's observations to <paramref name="result"/> and keeps only the running cells.</summary>
        public void Compact(Tensor result)
        {
            using var scope = NewDisposeScope();
            Flush(result);
            var keep = Finished.logical_not().nonzero().squeeze(1);
            ReplaceWith(new LoopState(
                Counts.index_select(0, keep),
                Time.index_select(0, keep),
                Recorded.index_select(0, keep),
                Ids.index_select(0, keep),
                Finished.index_select(0, keep)));
        }

        /// <summary>Writes every cell's observations to its row of <paramref name="result"/>.</summary>
        public void Flush(Tensor result) => result.index_copy_(0, Ids, Recorded);

        public void Dispose()
        {
            Counts.Dispose();
            Time.Dispose();
            Recorded.Dispose();
            Ids.Dispose();
            Finished.Dispose();
        }

        private static Tensor Keep(Tensor fresh, Tensor old)
        {
            if (ReferenceEquals(fresh, old))
            {
                return old;
            }

            var kept = fresh.DetachFromDisposeScope();
            old.Dispose();
            return kept;
        }
    }
}
