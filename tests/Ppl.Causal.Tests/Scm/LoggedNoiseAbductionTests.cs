using Ppl.Causal;
using Ppl.Distributions;
using Ppl.Effects;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Scm;

/// <summary>
/// Abducting Gumbel-max noise from a log (<see cref="LoggedNoiseAbduction"/>) on a small trajectory
/// model that is not any course system: a chain of categorical steps, each drawn by the Gumbel-max
/// mechanism from explicit noise. The closed forms are those of two categories, where
/// argmax(l + g) = 1 exactly when D = g₁ − g₀ ~ Logistic(0, 1) exceeds a = l₀ − l₁.
/// </summary>
[Collection("Sequential")]
[Trait(Stage.Key, Stage.Statistical)]
public sealed class LoggedNoiseAbductionTests
{
    private static string NoiseSite(int t) => $"noise/{t}";

    /// <summary>A chain x_{t+1} = argmax(logits[x_t] + noise/t) over K categories, run for the batch of the noise sites: the states [B.., T+1].</summary>
    private static Tensor Chain(Tensor transitionLogits, Tensor start, long[] batch, int steps)
    {
        long k = transitionLogits.shape[^1];
        var noise = new Gumbel(zeros([.. batch, k], dtype: float64), 1.0).ToEvent(1);
        var state = start.expand(batch);
        var states = new List<Tensor> { state };
        for (int t = 0; t < steps; t++)
        {
            state = GumbelMax.Apply(transitionLogits[state], Sample(NoiseSite(t), noise));
            states.Add(state);
        }

        return stack(states, -1);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    [Fact]
    public void ReplayingTheLoggedMechanismReproducesTheLogExactly()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3, CPU);
        const int Steps = 4, Episodes = 50, Draws = 8;
        var transition = randn([5, 5], dtype: float64, generator: generator).mul(2);
        var start = zeros([Episodes], dtype: int64);
        Tensor log;
        using (new Ppl.Handlers.SeedMessenger(7).Install())
        {
            log = Chain(transition, start, [Episodes], Steps);
        }

        LoggedCategory? Evidence(string site) =>
            Enumerable.Range(0, Steps).FirstOrDefault(t => site == NoiseSite(t), -1) is var t and >= 0
                ? new LoggedCategory(transition[log.select(1, t)], log.select(1, t + 1))
                : null;

        Tensor replay;
        using (new LoggedNoiseAbduction(Evidence, Draws, generator).Install())
        {
            replay = Chain(transition, start, [Draws, Episodes], Steps);
        }

        Assert.Equal([Draws, Episodes, Steps + 1], replay.shape);
        Assert.True(replay.eq(log.unsqueeze(0)).all().item<bool>(), "a replay with the abducted noise left the log");
    }

    [Theory]
    [InlineData(0.5, -1.0)]
    [InlineData(2.0, 0.3)]
    [InlineData(-0.7, -0.7)]
    public void TheCounterfactualOfTwoCategoriesMatchesTheClosedForm(double a, double aCf)
    {
        // logged: x = 0 under a = l₀ − l₁, so D ≤ a; counterfactually x' = 1 iff D > a':
        // P(x' = 1 | x = 0) = (σ(a) − σ(a'))⁺ / σ(a)
        using var scope = NewDisposeScope();
        using var generator = new Generator(11, CPU);
        const long Episodes = 500, Draws = 200;
        var factual = tensor(new[] { a, 0.0 }, dtype: float64);
        var counterfactual = tensor(new[] { aCf, 0.0 }, dtype: float64);
        var evidence = new LoggedCategory(factual.expand(Episodes, 2), zeros([Episodes], dtype: int64));
        Tensor flips;
        using (new LoggedNoiseAbduction(site => site == "u" ? evidence : null, Draws, generator).Install())
        {
            var u = Sample("u", new Gumbel(zeros([Draws, Episodes, 2], dtype: float64), 1.0).ToEvent(1));
            Assert.True(GumbelMax.Apply(factual, u).eq(0).all().item<bool>(), "the abducted noise does not explain the log");
            flips = GumbelMax.Apply(counterfactual, u).to(float64);
        }

        double exact = Math.Max(Sigmoid(a) - Sigmoid(aCf), 0) / Sigmoid(a);
        double se = Math.Sqrt(Math.Max(exact * (1 - exact), 1e-4) / (Episodes * Draws));
        Assert.InRange(flips.mean().item<double>(), exact - (5 * se), exact + (5 * se));
    }

    [Fact]
    public void EntriesTheLogDoesNotCoverAndSitesWithoutAnObservationGetPriorNoise()
    {
        // P(x' = 1) = 1 − σ(a') without evidence; the covered half keeps the posterior's answer
        using var scope = NewDisposeScope();
        using var generator = new Generator(5, CPU);
        const long Episodes = 400, Draws = 100;
        const double A = 1.0, ACf = -0.5;
        var factual = tensor(new[] { A, 0.0 }, dtype: float64).expand(Episodes, 2);
        var counterfactual = tensor(new[] { ACf, 0.0 }, dtype: float64);
        var covered = arange(Episodes).lt(Episodes / 2);
        var evidence = new LoggedCategory(factual, zeros([Episodes], dtype: int64), covered);
        var nothingObserved = new LoggedCategory(factual, null);
        Tensor flips, prior;
        using (new LoggedNoiseAbduction(site => site == "u" ? evidence : site == "v" ? nothingObserved : null, Draws, generator).Install())
        {
            var noise = new Gumbel(zeros([Draws, Episodes, 2], dtype: float64), 1.0).ToEvent(1);
            flips = GumbelMax.Apply(counterfactual, Sample("u", noise)).to(float64);
            prior = GumbelMax.Apply(counterfactual, Sample("v", noise)).to(float64);
        }

        double n = Draws * Episodes / 2.0;
        double posteriorExact = (Sigmoid(A) - Sigmoid(ACf)) / Sigmoid(A), priorExact = 1 - Sigmoid(ACf);
        double Se(double p, double count) => Math.Sqrt(p * (1 - p) / count);
        Assert.InRange(flips.narrow(1, 0, Episodes / 2).mean().item<double>(), posteriorExact - (5 * Se(posteriorExact, n)), posteriorExact + (5 * Se(posteriorExact, n)));
        Assert.InRange(flips.narrow(1, Episodes / 2, Episodes / 2).mean().item<double>(), priorExact - (5 * Se(priorExact, n)), priorExact + (5 * Se(priorExact, n)));
        Assert.InRange(prior.mean().item<double>(), priorExact - (5 * Se(priorExact, 2 * n)), priorExact + (5 * Se(priorExact, 2 * n)));
    }

    [Fact]
    public void ObservedSitesValuedSitesAndSitesTheLogDoesNotNameAreLeftAlone()
    {
        using var scope = NewDisposeScope();
        var evidence = new LoggedCategory(zeros([3, 2], dtype: float64), zeros([3], dtype: int64));
        var noise = new Gumbel(zeros([4, 3, 2], dtype: float64), 1.0).ToEvent(1);
        var given = full([4, 3, 2], 9.0, dtype: float64);
        using (new LoggedNoiseAbduction(_ => evidence, 4).Install())
        {
            Assert.True(Sample("observed", noise, obs: given).eq(9.0).all().item<bool>());
        }

        // handlers see a site innermost first: the substitution sets the value before the abduction looks
        using (new LoggedNoiseAbduction(_ => evidence, 4).Install())
        using (new Ppl.Handlers.SubstituteMessenger(new Dictionary<string, Tensor> { ["u"] = given }).Install())
        {
            Assert.True(Sample("u", noise).eq(9.0).all().item<bool>(), "a value set by an inner handler was replaced");
        }

        using (new LoggedNoiseAbduction(site => site == "u" ? evidence : null, 4).Install())
        {
            Assert.Equal([4, 3, 2], Sample("other", noise).shape);
        }
    }

    [Fact]
    public void ItNeedsAtLeastOneDraw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoggedNoiseAbduction(_ => null, 0));
    }
}
