using Ppl.Distributions;
using Ppl.Inference.FactorModels;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// The deconfounder (Wang &amp; Blei 2019) as one generative program: θ ~ p(θ); for each unit
/// Z_i ~ p(Z); A_ij ~ p(· | Z_i, θ_j), observed; Y_i ~ N(c + A_i · β + Z_i · γ, σ²), observed — the
/// factor model of the causes (<see cref="FactorModel"/>) with a linear-Gaussian outcome inside its
/// <c>units</c> plate. Fitted in the method's two stages: the factor model by SVI with a guide
/// q(Z_i | A_i) that never sees Y (<see cref="FactorModelFitting.Fit"/>), then the outcome by least
/// squares with Z at the substitute confounder Ẑ_i = E_q[Z_i | A_i], its maximum likelihood given Ẑ.
/// </summary>
/// <remarks>
/// Per-cause effects E[Y | do(A_j = 1)] − E[Y | do(A_j = 0)] come two ways that must agree: the
/// adjustment formula on the outcome model (<see cref="AdjustedEffect"/>), and interventions on the
/// program with the causal layer (<see cref="InterventionalEffect"/>, a paired
/// <see cref="CausalQueries.Ate{TArgs}"/> run with θ and Z conditioned on their estimates).
/// <para>The estimate is causal only under the method's assumptions: no unobserved single-cause
/// confounder, a factor model that passes its check (<see cref="HeldOutPredictiveCheck"/>), and
/// enough causes that Ẑ pins Z down; identification is not guaranteed in general (D'Amour 2019,
/// Ogburn et al. 2019).</para>
/// </remarks>
public sealed class Deconfounder
{
    /// <summary>The outcome's sample site.</summary>
    public const string OutcomeSite = "y";

    /// <summary>The deterministic site of the outcome's mean E[Y_i | A_i, Z_i], the statistic the effect queries average.</summary>
    public const string OutcomeMeanSite = "y_mean";

    private Deconfounder(FittedFactorModel factors, Tensor substitute, OutcomeRegression outcome)
    {
        (Factors, SubstituteConfounders, Outcome) = (factors, substitute, outcome);
    }

    /// <summary>The fitted factor model of the causes (stage 1).</summary>
    public FittedFactorModel Factors { get; }

    /// <summary>Ẑ, [N, K] (E_q[Z_i | A_i] from the entries the factor model saw).</summary>
    public Tensor SubstituteConfounders { get; }

    /// <summary>The outcome model fitted with Z = Ẑ (stage 2).</summary>
    public OutcomeRegression Outcome { get; }

    /// <summary>
    /// Stage 2 on a fitted factor model: the outcome's least-squares fit on the causes the factor model
    /// was fitted to and Ẑ (<paramref name="ridge"/> penalizes every coefficient but the intercept).
    /// </summary>
    /// <exception cref="ArgumentException">The outcome is not [N] for the factor model's N units.</exception>
    public static Deconfounder Fit(FittedFactorModel factors, Tensor outcome, double ridge = 0)
    {
        ArgumentNullException.ThrowIfNull(factors);
        var causes = factors.Data.Causes!;
        var substitute = factors.Model.Factors == 0 ? null : factors.SubstituteConfounders();
        CauseEffects.Check("Deconfounder.Fit", causes, outcome, substitute);
        var regression = LeastSquares.Fit(causes, outcome, substitute, ridge);
        return new Deconfounder(factors, substitute ?? zeros(causes.shape[0], 0L, device: causes.device), regression);
    }

    /// <summary>The units the deconfounder was fitted to, with their outcomes, as the program's argument.</summary>
    public DeconfounderData Data(Tensor outcome) => new(Factors.Data, outcome);

    /// <summary>The generative program (run it under <see cref="FittedFactorModel.Store"/>); returns the outcome.</summary>
    public Tensor Program(DeconfounderData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Tensor? y = null;
        Factors.Model.Model(data.Causes, (z, a) =>
        {
            var mean = Outcome.Mean(a, z?.squeeze(-2)).unsqueeze(-1); // [.., n, 1]: the units plate is dim −2
            Deterministic(OutcomeMeanSite, mean);
            var observed = data.Outcome is null ? null : data.Causes.Rows.Select(data.Outcome).unsqueeze(-1).to(mean.dtype);
            y = Sample(OutcomeSite, new Normal(mean, Outcome.NoiseScale.to(mean.dtype)), obs: observed);
        });
        return y!;
    }

    /// <summary>
    /// E_i[E[Y | A_i with A_ij = 1, Ẑ_i] − E[Y | A_i with A_ij = 0, Ẑ_i]]: the effect of cause
    /// <paramref name="cause"/> by the adjustment formula, averaging the outcome model over the units.
    /// </summary>
    public double AdjustedEffect(int cause)
    {
        var causes = Factors.Data.Causes!;
        CheckCause(cause, causes.shape[1]);
        using var scope = NewDisposeScope();
        var adjustment = SubstituteConfounders.shape[1] == 0 ? null : SubstituteConfounders.to(float64);
        var index = tensor(new long[] { cause }, device: causes.device);
        var factual = causes.to(float64);
        var treated = Outcome.Mean(factual.index_fill(1, index, 1.0), adjustment);
        var untreated = Outcome.Mean(factual.index_fill(1, index, 0.0), adjustment);
        return treated.sub(untreated).mean().item<double>();
    }

    /// <summary>
    /// E[Y | do(A_j = 1)] − E[Y | do(A_j = 0)] for j = <paramref name="cause"/>, by intervening on the
    /// program: both worlds in one run sharing everything upstream (<see cref="CausalQueries.Ate{TArgs}"/>),
    /// θ at its posterior median and Z at Ẑ, the outcome's mean averaged over the units.
    /// </summary>
    public double InterventionalEffect(Tensor outcome, int cause, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var causes = Factors.Data.Causes!;
        CheckCause(cause, causes.shape[1]);
        using var scope = NewDisposeScope();
        using var active = Factors.Store.Activate();
        var index = tensor(new long[] { cause }, device: causes.device);
        var estimate = CausalQueries.Ate(
            Conditioned(), Data(outcome), FactorModel.CausesSite,
            Intervention.FromFunction(a => a.index_fill(-1, index, 1.0)),
            Intervention.FromFunction(a => a.index_fill(-1, index, 0.0)),
            OutcomeMeanSite, draws: 2, seed: seed);
        return estimate.Value;
    }

    /// <summary>
    /// "How much more would unit <paramref name="unit"/> have yielded had it had cause
    /// <paramref name="instead"/> instead of <paramref name="cause"/>?" — E[Y_cf − Y] for the twin-world
    /// counterfactual that sets A_i,cause = 0 and A_i,instead = 1, given everything observed about the
    /// unit (its causes, its outcome, Ẑ_i): the outcome's noise is abducted from the factual world and
    /// shared with the counterfactual one (<see cref="CausalQueries.Counterfactual{TArgs}"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The unit does not have <paramref name="cause"/>, or already has <paramref name="instead"/>.</exception>
    public double Counterfactual(Tensor outcome, long unit, int cause, int instead, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var causes = Factors.Data.Causes!;
        CheckCause(cause, causes.shape[1]);
        CheckCause(instead, causes.shape[1]);
        ArgumentOutOfRangeException.ThrowIfNegative(unit);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(unit, causes.shape[0]);
        using var scope = NewDisposeScope();
        var row = causes.narrow(0, unit, 1);
        if (row[0, cause].item<float>() != 1 || row[0, instead].item<float>() != 0)
        {
            throw new ArgumentException($"Deconfounder.Counterfactual: unit {unit} must have cause {cause} (A = {row[0, cause].item<float>()}) and not cause {instead} (A = {row[0, instead].item<float>()}) to swap them.");
        }

        using var active = Factors.Store.Activate();
        var mask = Factors.Data.Observed?.narrow(0, unit, 1);
        var single = new DeconfounderData(FactorData.All(row, mask), outcome.narrow(0, unit, 1));
        var evidence = Factors.PosteriorPoint(SubstituteConfounders.narrow(0, unit, 1));
        var dropped = tensor(new long[] { cause }, device: causes.device);
        var added = tensor(new long[] { instead }, device: causes.device);
        var estimate = CausalQueries.Counterfactual(
            (Func<DeconfounderData, object?>)Program, single, evidence,
            new Dictionary<string, Intervention> { [FactorModel.CausesSite] = Intervention.FromFunction(a => a.index_fill(-1, dropped, 0.0).index_fill(-1, added, 1.0)) },
            OutcomeSite, draws: 2, seed: seed);
        return estimate.Value - outcome[unit].item<float>();
    }

    /// <summary>The program with θ at its posterior median and Z at Ẑ.</summary>
    private Func<DeconfounderData, object?> Conditioned()
    {
        Func<DeconfounderData, object?> program = Program;
        return program.Condition(Factors.PosteriorPoint(SubstituteConfounders));
    }

    private static void CheckCause(int cause, long causes)
    {
        if (cause < 0 || cause >= causes)
        {
            throw new ArgumentOutOfRangeException(nameof(cause), cause, $"Deconfounder: causes are numbered 0 to {causes - 1}.");
        }
    }
}
