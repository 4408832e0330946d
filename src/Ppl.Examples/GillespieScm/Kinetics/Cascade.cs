using System.Collections.Immutable;
using System.Globalization;

namespace Ppl.Examples.GillespieScm.Kinetics;

/// <summary>
/// A linear signalling cascade X1 → X2 → … → XL of kinases. Species i has <see cref="Totals"/>[i]
/// molecules, of which a count is active. Each species has two reactions, in this order:
/// <list type="bullet">
/// <item>activation (reaction 2i): one inactive molecule becomes active, with propensity
/// <c>Activation[i] · (T_i − X_i)</c> for the first species and
/// <c>Activation[i] · X_{i−1} · (T_i − X_i)</c> for the others (mass action: an active upstream
/// kinase meets an inactive substrate);</item>
/// <item>deactivation (reaction 2i + 1): one active molecule becomes inactive, with propensity
/// <c>Deactivation[i] · X_i</c>.</item>
/// </list>
/// </summary>
public sealed record Cascade
{
    /// <summary>A cascade with the given molecule totals and rate constants, one of each per species.</summary>
    /// <exception cref="ArgumentException">The lists are empty or of different lengths, a total is negative, or a rate is negative or not finite, or a deactivation rate is zero.</exception>
    public Cascade(IEnumerable<long> totals, IEnumerable<double> activation, IEnumerable<double> deactivation)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(deactivation);
        Totals = [.. totals];
        Activation = [.. activation];
        Deactivation = [.. deactivation];
        if (Totals.Length == 0 || Activation.Length != Totals.Length || Deactivation.Length != Totals.Length)
        {
            throw new ArgumentException(
                $"Cascade: need one total, one activation and one deactivation rate per species; got {Totals.Length}, {Activation.Length} and {Deactivation.Length}.",
                nameof(totals));
        }

        for (int i = 0; i < Totals.Length; i++)
        {
            if (Totals[i] < 0)
            {
                throw new ArgumentException($"Cascade: total of {SpeciesName(i)} is {Totals[i]}; totals must be non-negative.", nameof(totals));
            }

            if (!(Activation[i] >= 0) || double.IsInfinity(Activation[i]))
            {
                throw new ArgumentException($"Cascade: activation rate of {SpeciesName(i)} is {Activation[i]}; rates must be finite and non-negative.", nameof(activation));
            }

            // a zero deactivation rate has no stationary law short of saturation, and makes p(x) = 0/0 at x = 0
            if (!(Deactivation[i] > 0) || double.IsInfinity(Deactivation[i]))
            {
                throw new ArgumentException($"Cascade: deactivation rate of {SpeciesName(i)} is {Deactivation[i]}; it must be finite and positive.", nameof(deactivation));
            }
        }
    }

    /// <summary>Total molecules of each species.</summary>
    public ImmutableArray<long> Totals { get; }

    /// <summary>Activation rate constant of each species (for species after the first, per active upstream molecule).</summary>
    public ImmutableArray<double> Activation { get; }

    /// <summary>Deactivation rate constant of each species.</summary>
    public ImmutableArray<double> Deactivation { get; }

    /// <summary>The number of species L.</summary>
    public int SpeciesCount => Totals.Length;

    /// <summary>The number of reactions, 2L.</summary>
    public int ReactionCount => 2 * Totals.Length;

    /// <summary>The display name of species <paramref name="species"/> (0-based): X1, X2, ….</summary>
    public static string SpeciesName(int species) => "X" + (species + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The species reaction <paramref name="reaction"/> changes.</summary>
    public static int SpeciesOf(int reaction) => reaction / 2;

    /// <summary>+1 for an activation, −1 for a deactivation.</summary>
    public static int ChangeOf(int reaction) => reaction % 2 == 0 ? 1 : -1;

    /// <summary>
    /// The probability that one molecule of species <paramref name="species"/> is active at
    /// equilibrium when the upstream active count is held at <paramref name="upstream"/> (ignored
    /// for the first species): each molecule is then an independent two-state Markov chain with
    /// on-rate k = Activation·upstream and off-rate Deactivation, active a fraction k / (k + Deactivation) of the time.
    /// </summary>
    public double ActiveProbability(int species, double upstream)
    {
        CheckSpecies(species);
        double on = species == 0 ? Activation[0] : Activation[species] * upstream;
        return on / (on + Deactivation[species]);
    }

    /// <summary>
    /// The relaxation rate of one molecule of <paramref name="species"/> towards its equilibrium
    /// when the upstream count is held at <paramref name="upstream"/>: on-rate + off-rate.
    /// Correlations decay as exp(−rate · t).
    /// </summary>
    public double RelaxationRate(int species, double upstream)
    {
        CheckSpecies(species);
        double on = species == 0 ? Activation[0] : Activation[species] * upstream;
        return on + Deactivation[species];
    }

    /// <summary>The same cascade with both rate constants of <paramref name="species"/> multiplied by <paramref name="factor"/>: same equilibrium ratios, different speed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The factor is not positive and finite.</exception>
    public Cascade WithTimescale(int species, double factor)
    {
        CheckSpecies(species);
        if (!(factor > 0) || double.IsInfinity(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The timescale factor must be positive and finite.");
        }

        return new Cascade(
            Totals,
            Activation.Select((a, i) => i == species ? a * factor : a),
            Deactivation.Select((d, i) => i == species ? d * factor : d));
    }

    /// <summary>
    /// The propensities of all reactions in state <paramref name="counts"/> (active counts per
    /// species), with the reactions that <paramref name="intervention"/> suppresses set to zero.
    /// </summary>
    /// <exception cref="ArgumentException">The state has the wrong length.</exception>
    public double[] Propensities(IReadOnlyList<long> counts, KineticIntervention? intervention = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        CheckState(counts, nameof(counts));
        var propensities = new double[ReactionCount];
        for (int i = 0; i < SpeciesCount; i++)
        {
            double drive = i == 0 ? 1.0 : counts[i - 1];
            propensities[2 * i] = Activation[i] * drive * (Totals[i] - counts[i]);
            propensities[(2 * i) + 1] = Deactivation[i] * counts[i];
        }

        if (intervention is not null)
        {
            foreach (var species in intervention.Clamped.Keys)
            {
                propensities[2 * species] = 0;
                propensities[(2 * species) + 1] = 0;
            }
        }

        return propensities;
    }

    /// <summary>Throws unless <paramref name="counts"/> is a state of this cascade (one count per species, each within 0..total).</summary>
    /// <exception cref="ArgumentException">The length or a count is out of range.</exception>
    public void CheckState(IReadOnlyList<long> counts, string argument)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count != SpeciesCount)
        {
            throw new ArgumentException($"Cascade: a state has one count per species ({SpeciesCount}), got {counts.Count}.", argument);
        }

        for (int i = 0; i < SpeciesCount; i++)
        {
            if (counts[i] < 0 || counts[i] > Totals[i])
            {
                throw new ArgumentException($"Cascade: active count of {SpeciesName(i)} is {counts[i]}, outside 0..{Totals[i]}.", argument);
            }
        }
    }

    /// <inheritdoc />
    public bool Equals(Cascade? other) =>
        other is not null && Totals.SequenceEqual(other.Totals) && Activation.SequenceEqual(other.Activation) && Deactivation.SequenceEqual(other.Deactivation);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(SpeciesCount, Totals[0], Activation[0], Deactivation[0]);

    private void CheckSpecies(int species)
    {
        if (species < 0 || species >= SpeciesCount)
        {
            throw new ArgumentOutOfRangeException(nameof(species), species, $"The cascade has species 0..{SpeciesCount - 1}.");
        }
    }
}
