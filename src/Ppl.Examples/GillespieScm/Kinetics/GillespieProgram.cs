using System.Collections.Immutable;
using System.Globalization;
using System.Reactive.Linq;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.GillespieScm.Kinetics;

/// <summary>
/// Gillespie's direct method written as a Ppl program. Event k draws its waiting time at the
/// sample site <c>dt_k</c> ~ Exponential(total propensity) and the reaction that fires at
/// <c>reaction_k</c> ~ Categorical(propensities), so a trajectory is a trace: handlers can
/// record it, replay it, condition on reactions or waiting times, or intervene on them. The
/// kinetic intervention of <see cref="GillespieRun.Intervention"/> is part of the program (it
/// zeroes the propensities of the clamped species' reactions); it is not a site intervention.
/// </summary>
/// <remarks>
/// The run stops at the first waiting time that overshoots <see cref="GillespieRun.EndTime"/>:
/// that last <c>dt_k</c> site is in the trace although no reaction follows it, so the state at the
/// horizon is the state before it. Its log-density is that of an exact waiting time, not of the
/// censored event "no reaction before the horizon"; use an infinite horizon and
/// <see cref="GillespieRun.MaxEvents"/> when the trace's log-density must be the path likelihood.
/// One event costs a few small tensors; use <see cref="BatchedGillespie"/> for long runs.
/// </remarks>
public static class GillespieProgram
{
    /// <summary>The waiting-time site of event <paramref name="k"/>.</summary>
    public static string WaitingTimeSite(int k) => "dt_" + k.ToString(CultureInfo.InvariantCulture);

    /// <summary>The reaction-choice site of event <paramref name="k"/>.</summary>
    public static string ReactionSite(int k) => "reaction_" + k.ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs the simulation; returns the active counts at the end (float64, one per species).</summary>
    /// <exception cref="InvalidOperationException">A handler forced a reaction whose propensity is zero (it would break the clamp or a count's range).</exception>
    public static Tensor Simulate(GillespieRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var cursor = new Cursor(run);
        while (cursor.Advance())
        {
        }

        return tensor(cursor.Counts.Select(c => (double)c).ToArray(), dtype: ScalarType.Float64);
    }

    /// <summary>
    /// The trajectory as a stream: the initial state at time 0, then the state after each
    /// reaction. Every subscription runs a fresh simulation on the subscribing thread, step by
    /// step on the current-thread scheduler, so handlers installed around the subscription see the
    /// sites, and unsubscribing (e.g. <c>TakeWhile</c>, <see cref="Stationarity.TakeUntilStationary{T}"/>) stops it.
    /// </summary>
    public static IObservable<(double Time, ImmutableArray<long> Counts)> Stream(GillespieRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Observable.Defer(() => Observable.Generate(
            (Cursor: new Cursor(run), Live: true),
            state => state.Live,
            state => (state.Cursor, state.Cursor.Advance()),
            state => (state.Cursor.Time, state.Cursor.Counts.ToImmutableArray())));
    }

    /// <summary>One trajectory in progress: the state, the clock and the event counter.</summary>
    private sealed class Cursor(GillespieRun run)
    {
        private readonly long[] _counts = [.. run.Initial];
        private int _events;
        private bool _finished;

        public double Time { get; private set; }

        public IReadOnlyList<long> Counts => _counts;

        /// <summary>Draws the next event; false (and no state change) when none happens before the horizon.</summary>
        public bool Advance()
        {
            if (_finished || _events >= run.MaxEvents)
            {
                return false;
            }

            var propensities = run.Cascade.Propensities(_counts, run.Intervention);
            double total = propensities.Sum();
            if (total <= 0)
            {
                _finished = true; // absorbing state: nothing can fire any more
                return false;
            }

            int k = _events;
            var rates = tensor(propensities, dtype: ScalarType.Float64);
            double dt = Sample(WaitingTimeSite(k), new Exponential(rates.sum())).to(ScalarType.Float64).item<double>();
            if (Time + dt > run.EndTime)
            {
                _finished = true;
                return false;
            }

            long reaction = Sample(ReactionSite(k), Categorical.FromProbs(rates)).to(ScalarType.Int64).item<long>();
            if (reaction < 0 || reaction >= propensities.Length || propensities[reaction] <= 0)
            {
                throw new InvalidOperationException(
                    $"Site '{ReactionSite(k)}' is reaction {reaction}, which cannot fire in state [{string.Join(", ", _counts)}] under {run.Intervention} (its propensity is zero).");
            }

            _counts[Cascade.SpeciesOf((int)reaction)] += Cascade.ChangeOf((int)reaction);
            Time += dt;
            _events++;
            return true;
        }
    }
}
