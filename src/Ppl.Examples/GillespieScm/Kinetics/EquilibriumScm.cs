using Ppl.Causal;
using Ppl.Distributions;
using TorchSharp;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.GillespieScm.Kinetics;

/// <summary>
/// The structural causal model of a <see cref="Cascade"/> at equilibrium, as a Ppl program:
/// X1 ~ Binomial(T1, a1 / (a1 + d1)) and, for each later species,
/// X_i ~ Binomial(T_i, p_i(X_{i−1})) with p_i(x) = a_i·x / (a_i·x + d_i).
/// </summary>
/// <remarks>
/// Derivation. Hold the upstream active count at x. Every molecule of X_i then flips on at rate
/// a_i·x and off at rate d_i independently of the others, so at stationarity each is active with
/// probability p_i(x) and the active count is Binomial(T_i, p_i(x)) — exactly. The SCM chains
/// these conditionals. That is exact for do() on the direct parent (the clamp holds x fixed) but,
/// for a fluctuating parent, it assumes each downstream species equilibrates to the parent's
/// current value: the parent must be slow compared with the child (timescale separation). When the
/// parent fluctuates fast, the child averages its drive instead, and its law approaches
/// Binomial(T_i, p_i(E[X_{i−1}])): a larger mean than the SCM's E[T_i·p_i(X_{i−1})] (p_i is
/// concave, Jensen) and a smaller variance (the SCM adds Var(T_i·p_i(X_{i−1}))). Between the two
/// limits the kinetic answer depends on the rate constants' scale, which the SCM never sees (it
/// uses only the ratios a_i/d_i).
/// </remarks>
public static class EquilibriumScm
{
    /// <summary>The plate of independent draws (cells).</summary>
    public const string PlateName = "cells";

    /// <summary>The sample site of <paramref name="species"/>: X1, X2, ….</summary>
    public static string SiteName(int species) => Cascade.SpeciesName(species);

    /// <summary>The SCM program over <paramref name="draws"/> independent cells; returns each species' counts (float64 [draws]) in order.</summary>
    public static Tensor[] Model(Cascade cascade, long draws, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(cascade);
        var dev = device ?? CPU;
        var values = new Tensor[cascade.SpeciesCount];
        using var cells = Plate(PlateName, draws, device: dev);
        for (int i = 0; i < cascade.SpeciesCount; i++)
        {
            var p = i == 0
                ? full(draws, cascade.ActiveProbability(0, 0), dtype: ScalarType.Float64, device: dev)
                : ActiveProbability(values[i - 1], cascade.Activation[i], cascade.Deactivation[i]);
            values[i] = Sample(SiteName(i), Binomial.FromProbs(cascade.Totals[i], p));
        }

        return values;
    }

    /// <summary>The SCM as a model function of the number of draws.</summary>
    public static Func<long, Tensor[]> Program(Cascade cascade, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(cascade);
        return n => Model(cascade, n, device);
    }

    /// <summary>
    /// The SCM under do(<paramref name="intervention"/>) for <paramref name="draws"/> draws. This is the
    /// one place the SCM's interventions are applied: the causal layer's
    /// <see cref="CausalPoutine.Intervene{TArgs, TOut}"/> in the intervened world only
    /// (<see cref="SingleWorldCounterfactual"/>): the clamped sites keep their names and values downstream follow.
    /// </summary>
    public static Func<long, Tensor[]> Intervene(Func<long, Tensor[]> scm, KineticIntervention intervention, long draws, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(scm);
        ArgumentNullException.ThrowIfNull(intervention);
        if (intervention.Clamped.IsEmpty)
        {
            return scm;
        }

        var values = intervention.Clamped.ToDictionary(
            c => SiteName(c.Key),
            c => Intervention.FromTensor(full(draws, (double)c.Value, dtype: ScalarType.Float64, device: device ?? CPU)));
        return scm.Intervene(values).SingleWorldCounterfactual();
    }

    /// <summary>Draws of <paramref name="species"/> under do(<paramref name="intervention"/>): int64 [draws].</summary>
    public static Tensor SampleInterventional(Cascade cascade, KineticIntervention intervention, int species, long draws, long seed, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(cascade);
        ArgumentNullException.ThrowIfNull(intervention);
        intervention.Validate(cascade);
        using var scope = NewDisposeScope();
        var values = Intervene(Program(cascade, device), intervention, draws, device).Seed(seed)(draws);
        return values[species].round().to(ScalarType.Int64).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The exact law of <paramref name="species"/> under do(<paramref name="intervention"/>) in the
    /// SCM, by pushing each species' distribution down the chain (a sum over the parent's counts).
    /// </summary>
    public static CountDistribution InterventionalDistribution(Cascade cascade, KineticIntervention intervention, int species)
    {
        ArgumentNullException.ThrowIfNull(cascade);
        ArgumentNullException.ThrowIfNull(intervention);
        intervention.Validate(cascade);
        double[] law = [];
        for (int i = 0; i <= species; i++)
        {
            if (intervention.Clamped.TryGetValue(i, out long clamped))
            {
                law = new double[cascade.Totals[i] + 1];
                law[clamped] = 1;
                continue;
            }

            if (i == 0)
            {
                law = CountDistribution.BinomialPmf(cascade.Totals[0], cascade.ActiveProbability(0, 0));
                continue;
            }

            var next = new double[cascade.Totals[i] + 1];
            for (int parent = 0; parent < law.Length; parent++)
            {
                if (law[parent] == 0)
                {
                    continue;
                }

                var conditional = CountDistribution.BinomialPmf(cascade.Totals[i], cascade.ActiveProbability(i, parent));
                for (int k = 0; k < next.Length; k++)
                {
                    next[k] += law[parent] * conditional[k];
                }
            }

            law = next;
        }

        return new CountDistribution(law);
    }

    /// <summary>p(x) = a·x / (a·x + d), elementwise.</summary>
    internal static Tensor ActiveProbability(Tensor upstream, double activation, double deactivation)
    {
        var on = upstream.mul(activation);
        return on.div(on.add(deactivation));
    }
}
