using static TorchSharp.torch;

namespace Ppl.Examples.FilmDeconfounder;

/// <summary>
/// Simulation A of the course project "Deconfounding film predictions" (TMDB 5000 is not reachable
/// from here): N films with K confounders Z_i ~ N(0, I) (franchise, genre, budget…); actor j is cast
/// with probability σ(Z_i · θ_j + b_j), θ_j ~ N(0, I), b_j ~ N(−3.5, 0.3²) (about 6% of actors per film);
/// 20% of actors have an effect β_j ~ N(0, 0.5²), the rest none; revenue Y_i = A_i · β + Z_i · γ + ε_i,
/// ε ~ N(0, 1). The first confounder is the franchise: its effect γ_1 is fixed at +4 (two prior standard
/// deviations: a franchise drives revenue more than anything else) and a planted "Bond" actor with
/// β = 0 is cast only in films high on it, with probability σ(8(Z_i1 − 1.75)) (about 130 of 3,000 films);
/// the other confounders' effects are drawn, γ_k ~ N(0, 2²).
/// </summary>
internal static class FilmSimulation
{
    /// <summary>The planted actor's name.</summary>
    public const string PlantedName = "Bond";

    /// <summary>γ_1, the franchise's effect on revenue: two prior standard deviations, the strongest confounder.</summary>
    public const double FranchiseEffect = 4;

    /// <summary>The franchise level Z_i1 above which the planted actor is cast (about 4% of films).</summary>
    public const double PlantedThreshold = 1.75;

    /// <summary>
    /// How sharply the planted actor's casting switches on at <see cref="PlantedThreshold"/>: steep, so he is
    /// cast in franchise films only and his naive contrast tops every actor's, yet not a step, so a logistic
    /// factor model can describe him.
    /// </summary>
    public const double PlantedSteepness = 8;

    /// <summary>Draws a data set of <paramref name="films"/> films and <paramref name="actors"/> actors plus the planted one (its last column).</summary>
    public static FilmData Generate(long seed, int films = 3000, int actors = 300, int confounders = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(films, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(actors, 5);
        ArgumentOutOfRangeException.ThrowIfLessThan(confounders, 1);
        var g = new Generator((ulong)seed);
        var z = randn(films, confounders, dtype: float64, generator: g);
        var theta = randn(actors, confounders, dtype: float64, generator: g);
        var bias = randn(actors, dtype: float64, generator: g).mul(0.3).sub(3.5);
        var logits = z.CheckedMatMul(theta.T).add(bias);
        var planted = z.select(1, 0).sub(PlantedThreshold).mul(PlantedSteepness).unsqueeze(-1);
        var casting = rand(films, actors + 1, dtype: float64, generator: g).lt(cat([logits, planted], 1).sigmoid()).to(float64);

        var causal = randperm(actors, generator: g).narrow(0, 0, actors / 5);
        var effects = zeros(actors + 1, dtype: float64).index_copy(0, causal, randn(actors / 5, dtype: float64, generator: g).mul(0.5));
        var gamma = randn(confounders, dtype: float64, generator: g).mul(2).index_fill(0, tensor(new long[] { 0 }), FranchiseEffect);
        var revenue = casting.CheckedMatMul(effects.unsqueeze(-1)).squeeze(-1).add(z.CheckedMatMul(gamma.unsqueeze(-1)).squeeze(-1)).add(randn(films, dtype: float64, generator: g));

        var names = Enumerable.Range(0, actors).Select(j => $"actor {j:D3}").Append(PlantedName).ToList();
        return new FilmData(casting.to(float32), revenue.to(float32), names, new FilmTruth(z.to(float32), effects, gamma, actors));
    }
}
