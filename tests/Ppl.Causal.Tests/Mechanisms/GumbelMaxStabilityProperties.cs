using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Ppl.Causal;
using static Ppl.Tests.Causal.Mechanisms.MechanismCases;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Mechanisms;

/// <summary>
/// Counterfactual stability (Oberst &amp; Sontag 2019, Def. 2): having observed X = i, if
/// p'_i / p_i ≥ p'_j / p_j then the counterfactual is never j ≠ i; equivalently in logits,
/// ℓ'_i − ℓ_i ≥ ℓ'_j − ℓ_j. Logits are multiples of 1/8 so these comparisons are exact.
/// Runs in float64 (in float32 a rounding tie between two sums can, with probability of order
/// 1e-7 per draw, go to the lower index when the two ratios are equal).
/// </summary>
[Collection("Sequential")]
public sealed class GumbelMaxStabilityProperties
{
    private const int Draws = 4000;

    private static readonly Arbitrary<int> Seeds = Gen.Choose(0, int.MaxValue - 1).ToArbitrary();

    [Property(MaxTest = 100, Replay = "(20261126,41)")]
    public Property CategoricalCounterfactualsAreStable() => Prop.ForAll(Seeds, seed =>
    {
        using var scope = NewDisposeScope();
        var random = new Random(seed);
        int k = random.Next(2, 7);
        var factual = Logits(random, k);
        int observed = Enumerable.Range(0, k).Where(c => !double.IsNegativeInfinity(factual[c])).ElementAt(random.Next(factual.Count(double.IsFinite)));
        var counterfactual = Logits(random, k);
        if (random.NextDouble() < 0.5)
        {
            // shift some categories together with the observed one: equal ratios are the boundary case
            double shift = random.Next(-16, 17) / 8.0;
            for (int c = 0; c < k; c++)
            {
                if (c == observed || random.NextDouble() < 0.5)
                {
                    counterfactual[c] = factual[c] + shift;
                }
            }
        }

        var outcomes = Longs(GumbelMax.Counterfactual(tensor(factual), tensor((long)observed), tensor(counterfactual), [Draws], new Generator((ulong)seed, CPU)));
        double ratioObserved = counterfactual[observed] - factual[observed];
        var forbidden = Enumerable.Range(0, k)
            .Where(j => j != observed && !double.IsNegativeInfinity(factual[j]) && ratioObserved >= counterfactual[j] - factual[j])
            .ToHashSet();
        return outcomes.All(x => !forbidden.Contains((int)x) && !double.IsNegativeInfinity(counterfactual[x]))
            .Label($"K={k}, factual [{string.Join(", ", factual)}], observed {observed}, counterfactual [{string.Join(", ", counterfactual)}], forbidden {{{string.Join(", ", forbidden)}}}");
    });

    [Property(MaxTest = 100, Replay = "(20261126,45)")]
    public Property UnchangedLogitsGiveBackTheObservation() => Prop.ForAll(Seeds, seed =>
    {
        using var scope = NewDisposeScope();
        var random = new Random(seed);
        int k = random.Next(2, 9);
        var (l, o) = RandomCase(random, 3, k, scale: 1 + (random.NextDouble() * 20), impossible: 0.2);
        var dtype = random.Next(2) == 0 ? float32 : float64;
        var logits = tensor(l, dtype: dtype).reshape(3, k);
        var observed = tensor(o);
        var outcomes = GumbelMax.Counterfactual(logits, observed, logits, [Draws], new Generator((ulong)seed, CPU));
        return outcomes.eq(observed).all().item<bool>().Label($"{dtype}, logits [{string.Join(", ", l)}], observed [{string.Join(", ", o)}]");
    });

    [Property(MaxTest = 100, Replay = "(20261126,43)")]
    public Property BernoulliCounterfactualsAreMonotone() => Prop.ForAll(Seeds, seed =>
    {
        using var scope = NewDisposeScope();
        var random = new Random(seed);
        var dtype = random.Next(2) == 0 ? float32 : float64;
        double factual = 8 * StandardNormal(random);
        double counterfactual = random.NextDouble() < 0.2 ? factual : 8 * StandardNormal(random);
        double observed = random.Next(2);
        var outcomes = Values(GumbelMaxBernoulli.Counterfactual(
            tensor(factual, dtype: dtype), tensor(observed, dtype: dtype), tensor(counterfactual, dtype: dtype), [Draws], new Generator((ulong)seed, CPU)));

        // X = 1 stays 1 when the logit grows, X = 0 stays 0 when it shrinks (so both stay when it is unchanged)
        bool forced = observed == 1 ? counterfactual >= factual : counterfactual <= factual;
        return (!forced || outcomes.All(x => x == observed))
            .Label($"{dtype}, logit {factual} → {counterfactual}, observed {observed}");
    });

    private static double[] Logits(Random random, int k)
    {
        var logits = new double[k];
        for (int c = 0; c < k; c++)
        {
            logits[c] = random.NextDouble() < 0.15 ? double.NegativeInfinity : random.Next(-40, 41) / 8.0;
        }

        if (logits.All(double.IsNegativeInfinity))
        {
            logits[random.Next(k)] = 0;
        }

        return logits;
    }
}
