using System.Collections.Immutable;

namespace Ppl.Examples.GillespieScm.Kinetics;

/// <summary>What one Gillespie simulation of a <see cref="Cascade"/> runs.</summary>
public sealed record GillespieRun
{
    /// <summary>A run of <paramref name="cascade"/> from <paramref name="initial"/> until <paramref name="endTime"/> or <paramref name="maxEvents"/> reactions, whichever comes first.</summary>
    /// <param name="cascade">The reaction network.</param>
    /// <param name="initial">Active counts at time 0; clamped species are overwritten by the intervention.</param>
    /// <param name="endTime">The time horizon; <see cref="double.PositiveInfinity"/> to stop by event count only.</param>
    /// <param name="intervention">The kinetic intervention; null for none.</param>
    /// <param name="maxEvents">The most reactions simulated.</param>
    /// <exception cref="ArgumentException">The state, intervention, horizon or event limit is invalid.</exception>
    public GillespieRun(Cascade cascade, IReadOnlyList<long> initial, double endTime, KineticIntervention? intervention = null, int maxEvents = 1_000_000)
    {
        ArgumentNullException.ThrowIfNull(cascade);
        ArgumentNullException.ThrowIfNull(initial);
        Intervention = intervention ?? KineticIntervention.None;
        Intervention.Validate(cascade);
        Initial = [.. Intervention.ApplyTo(initial)];
        cascade.CheckState(Initial, nameof(initial));
        if (!(endTime > 0))
        {
            throw new ArgumentException($"GillespieRun: the end time must be positive, got {endTime}.", nameof(endTime));
        }

        if (maxEvents < 0)
        {
            throw new ArgumentException($"GillespieRun: maxEvents must be non-negative, got {maxEvents}.", nameof(maxEvents));
        }

        Cascade = cascade;
        EndTime = endTime;
        MaxEvents = maxEvents;
    }

    /// <summary>The reaction network.</summary>
    public Cascade Cascade { get; }

    /// <summary>Active counts at time 0, with the intervention applied.</summary>
    public ImmutableArray<long> Initial { get; }

    /// <summary>The time horizon.</summary>
    public double EndTime { get; }

    /// <summary>The kinetic intervention (<see cref="KineticIntervention.None"/> for none).</summary>
    public KineticIntervention Intervention { get; }

    /// <summary>The most reactions simulated.</summary>
    public int MaxEvents { get; }
}
