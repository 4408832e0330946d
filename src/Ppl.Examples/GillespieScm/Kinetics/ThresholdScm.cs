using Ppl.Distributions;
using TorchSharp;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.GillespieScm.Kinetics;

/// <summary>
/// The equilibrium SCM of a <see cref="Cascade"/> with its exogenous noise explicit, for
/// counterfactuals: molecule j of species i is active when its own uniform noise U_ij falls below
/// p_i(X_{i−1}), so X_i = Σ_j 1[U_ij &lt; p_i(X_{i−1})] — Binomial(T_i, p_i) given the parent, as in
/// <see cref="EquilibriumScm"/>. Noise sites are <c>U1</c>, <c>U2</c>, … (one uniform per molecule,
/// event dim 1); the counts are Delta sites <c>X1</c>, <c>X2</c>, … so they can be intervened on.
/// </summary>
public static class ThresholdScm
{
    /// <summary>The noise site of <paramref name="species"/>: U1, U2, ….</summary>
    public static string NoiseSite(int species) => "U" + (species + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The program over <paramref name="draws"/> cells; returns each species' counts (float64 [draws]).</summary>
    public static Tensor[] Model(Cascade cascade, long draws)
    {
        ArgumentNullException.ThrowIfNull(cascade);
        var values = new Tensor[cascade.SpeciesCount];
        using var cells = Plate(EquilibriumScm.PlateName, draws);
        for (int i = 0; i < cascade.SpeciesCount; i++)
        {
            long total = cascade.Totals[i];
            var noise = Sample(NoiseSite(i), new Uniform(zeros(draws, total, dtype: ScalarType.Float64), ones(draws, total, dtype: ScalarType.Float64)).ToEvent(1));
            var p = i == 0
                ? full(draws, cascade.ActiveProbability(0, 0), dtype: ScalarType.Float64)
                : EquilibriumScm.ActiveProbability(values[i - 1], cascade.Activation[i], cascade.Deactivation[i]);
            var count = noise.lt(p.unsqueeze(-1)).sum(-1).to(ScalarType.Float64);
            values[i] = Sample(EquilibriumScm.SiteName(i), new Delta(count));
        }

        return values;
    }

    /// <summary>
    /// Abduction, exactly: draws from the posterior of every noise site given that the cell was
    /// observed with active counts <paramref name="observed"/>. Given its parent, X_i = k says exactly
    /// k of species i's uniforms lie below p_i: those are Uniform(0, p_i), the others Uniform(p_i, 1).
    /// Which molecules are the active ones does not matter to any count, so the first k are.
    /// </summary>
    /// <exception cref="ArgumentException">The state is invalid or impossible (e.g. active X2 without active X1).</exception>
    public static Dictionary<string, Tensor> AbductNoise(Cascade cascade, IReadOnlyList<long> observed, long draws, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(cascade);
        ArgumentNullException.ThrowIfNull(observed);
        cascade.CheckState(observed, nameof(observed));
        var device = generator?.device ?? CPU;
        var noise = new Dictionary<string, Tensor>();
        for (int i = 0; i < cascade.SpeciesCount; i++)
        {
            double p = cascade.ActiveProbability(i, i == 0 ? 0 : observed[i - 1]);
            long k = observed[i], total = cascade.Totals[i];
            if ((k > 0 && p == 0) || (k < total && p == 1))
            {
                throw new ArgumentException(
                    $"Abduction: {Cascade.SpeciesName(i)} = {k} is impossible when each molecule is active with probability {p}.", nameof(observed));
            }

            var u = rand([draws, total], dtype: ScalarType.Float64, device: device, generator: generator);
            var active = arange(total, dtype: ScalarType.Int64, device: device).lt(k);
            var below = u.mul(p);
            var above = u.mul(1 - p).add(p);
            noise[NoiseSite(i)] = where(active, below, above);
        }

        return noise;
    }

    /// <summary>
    /// The counterfactual: draws of <paramref name="target"/> in a cell observed at
    /// <paramref name="observed"/>, had <paramref name="intervention"/> been applied — abduction
    /// (<see cref="AbductNoise"/>), action (<see cref="EquilibriumScm.Intervene"/>) and prediction
    /// (the program run on the posterior noise).
    /// </summary>
    public static Tensor Counterfactual(Cascade cascade, IReadOnlyList<long> observed, KineticIntervention intervention, int target, long draws, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(cascade);
        ArgumentNullException.ThrowIfNull(intervention);
        intervention.Validate(cascade);
        using var scope = NewDisposeScope();
        var noise = AbductNoise(cascade, observed, draws, generator);
        Func<long, Tensor[]> program = n => Model(cascade, n);
        var values = EquilibriumScm.Intervene(program, intervention, draws).Substitute(noise)(draws);
        return values[target].round().to(ScalarType.Int64).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The closed-form counterfactual mean of species <paramref name="child"/> when its parent is
    /// moved from its observed count to <paramref name="parentValue"/>: with p, p′ the activity
    /// probabilities before and after, the molecules already active stay active and each inactive one
    /// turns on with probability (p′ − p)/(1 − p) when p′ ≥ p; otherwise each active one stays active
    /// with probability p′/p.
    /// </summary>
    public static double DirectCounterfactualMean(Cascade cascade, IReadOnlyList<long> observed, int child, long parentValue)
    {
        ArgumentNullException.ThrowIfNull(cascade);
        ArgumentNullException.ThrowIfNull(observed);
        if (child < 1 || child >= cascade.SpeciesCount)
        {
            throw new ArgumentOutOfRangeException(nameof(child), child, "The child must have a parent in the cascade.");
        }

        double p = cascade.ActiveProbability(child, observed[child - 1]);
        double q = cascade.ActiveProbability(child, parentValue);
        double k = observed[child];
        if (q == p)
        {
            return k;
        }

        return q > p
            ? k + ((cascade.Totals[child] - k) * (q - p) / (1 - p))
            : k * q / p;
    }
}
