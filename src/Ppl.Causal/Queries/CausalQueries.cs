using Ppl.Handlers;
using Ppl.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// The three kinds of causal query, each estimated by one vectorized, seeded run of the model over
/// a plate of draws (likelihood weighting where there is evidence) with a Monte-Carlo standard
/// error, and the weighted draws themselves (<see cref="CausalEstimate.Samples"/>: the distribution of
/// the outcome, with its variance and quantiles). The outcome statistic of a draw is the mean of the
/// outcome site's value over its own batch (e.g. the population mean over a plate of units).
/// </summary>
/// <remarks>
/// Models must vectorize: every draw runs at once along a plate left of the model's own plates
/// (as for Pyro's vectorized particles). World dims are placed left of that.
/// <para>Because the run broadcasts, a query first checks what it is given against one plain run
/// of the model (no draw plate, no worlds) and throws <see cref="ArgumentException"/> naming the
/// site, the shapes and the fix: every outcome, treatment, evidence, intervention and adjustment
/// name must be a site of the model; evidence must have exactly its site's shape (one value per
/// entry); an intervention or treatment value must broadcast to its site's shape without adding or
/// growing dims (a scalar sets every entry). Otherwise a wider tensor would run as extra units and
/// be averaged into the answer. Evidence the model gives zero likelihood in every draw is an
/// <see cref="InvalidOperationException"/> naming the observed sites at fault, not NaN.</para>
/// <para><b>Calling a query is asking for a vectorized run</b>; there is no sequential mode. The
/// counterfactual worlds are batch dims of every tensor downstream of an intervention whatever
/// the draws do, so a model that does not broadcast over extra batch dims is wrong under a query
/// either way. Such a model may abort the process rather than throw: TorchSharp's <c>matmul</c>
/// does not catch shape errors. Multiply with <see cref="TensorOps"/> (<c>BatchedDot</c>,
/// <c>BatchedMatVec</c>, <c>CheckedMatMul</c>), which throw instead, and try the model inside a
/// <c>Plate</c> before querying it (docs/causal.md).</para>
/// </remarks>
public static class CausalQueries
{
    /// <summary>The world dim the queries use: left of every batch dim the queries' models use.</summary>
    public const int WorldDim = -8;

    /// <summary>E[outcome | do(actions)]: interventional, by simulating the intervened model.</summary>
    /// <exception cref="ArgumentException">The outcome or an intervened site is not a site of the model, or an intervention value is wider than its site.</exception>
    /// <exception cref="InvalidOperationException">The model's own observations have zero likelihood in every draw.</exception>
    public static CausalEstimate Interventional<TArgs>(
        Func<TArgs, object?> model, TArgs args, IReadOnlyDictionary<string, Intervention> actions, string outcome, int draws, long? seed = null)
    {
        const string query = "CausalQueries.Interventional";
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(outcome);
        ArgumentNullException.ThrowIfNull(actions);
        CheckCounts(draws);
        var sites = ModelSites.Probe(query, model, args, actions);
        sites.RequireSite(outcome, "outcome");
        sites.CheckInterventions();
        return Estimate(query, model.Intervene(actions).SingleWorldCounterfactual(), args, draws, seed, outcome, v => v);
    }

    /// <summary>
    /// The average treatment effect E[outcome | do(treatment = a)] − E[outcome | do(treatment = b)],
    /// both worlds in one run sharing all exogenous noise (<see cref="MultiWorldCounterfactual"/>), so
    /// the difference is paired per draw.
    /// </summary>
    /// <exception cref="ArgumentException">The treatment or outcome is not a site of the model, or <paramref name="a"/> or <paramref name="b"/> is wider than the treatment site.</exception>
    public static CausalEstimate Ate<TArgs>(
        Func<TArgs, object?> model, TArgs args, string treatment, Intervention a, Intervention b, string outcome, int draws, long? seed = null)
    {
        const string query = "CausalQueries.Ate";
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(outcome);
        ArgumentException.ThrowIfNullOrEmpty(treatment);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        CheckCounts(draws);
        var sites = ModelSites.Probe(query, model, args, [new(treatment, a), new(treatment, b)]);
        sites.RequireSite(treatment, "treatment");
        sites.RequireSite(outcome, "outcome");
        sites.CheckInterventions();
        var worlds = new[] { new WorldDim(treatment, WorldDim, 2), new WorldDim(treatment + "#2", WorldDim - 1, 2) };
        var both = model
            .Intervene(new Dictionary<string, Intervention> { [treatment] = a })
            .With(() => new InterventionsMessenger(new Dictionary<string, Intervention> { [treatment] = b }) { IndexName = worlds[1].Name })
            .MultiWorld(WorldDim);
        return Estimate(query, both, args, draws, seed, outcome, v =>
        {
            var underA = WorldTensors.Gather(v, new IndexSet((worlds[0].Name, 1), (worlds[1].Name, 0)), worlds);
            var underB = WorldTensors.Gather(v, new IndexSet((worlds[0].Name, 0), (worlds[1].Name, 1)), worlds);
            return underA.to(float64).sub(underB.to(float64));
        });
    }

    /// <summary>
    /// E[outcome | do(actions)] in the counterfactual world given <paramref name="evidence"/> about
    /// the factual one: abduction, action and prediction in one twin-world run
    /// (<see cref="TwinWorldCounterfactual"/>), the evidence weighting the draws.
    /// </summary>
    /// <exception cref="ArgumentException">A name is not a site of the model, evidence is on a deterministic site or not of its site's shape, or an intervention value is wider than its site.</exception>
    /// <exception cref="InvalidOperationException">The evidence has zero likelihood in every draw.</exception>
    public static CausalEstimate Counterfactual<TArgs>(
        Func<TArgs, object?> model,
        TArgs args,
        IReadOnlyDictionary<string, Tensor> evidence,
        IReadOnlyDictionary<string, Intervention> actions,
        string outcome,
        int draws,
        long? seed = null)
    {
        const string query = "CausalQueries.Counterfactual";
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(outcome);
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(actions);
        CheckCounts(draws);
        var sites = ModelSites.Probe(query, model, args, actions);
        sites.RequireSite(outcome, "outcome");
        sites.CheckEvidence(evidence);
        sites.CheckInterventions();
        var twin = new[] { new WorldDim(TwinWorldCounterfactual.IndexName, WorldDim, 2) };
        var twinWorld = model.Condition(evidence).Intervene(actions).TwinWorld(WorldDim);
        return Estimate(query, twinWorld, args, draws, seed, outcome, v => WorldTensors.Gather(v, TwinWorldCounterfactual.CounterfactualWorld, twin));
    }

    /// <summary>
    /// Backdoor adjustment: E[outcome | do(treatment = a)] = E_Z[ E[outcome | treatment = a, Z] ] for
    /// an adjustment set Z that blocks every backdoor path. Z is drawn from the model's
    /// observational distribution (<paramref name="draws"/> times); each inner expectation
    /// conditions the model on treatment = a and that draw of Z by likelihood weighting over
    /// <paramref name="innerDraws"/> draws — all draws in one run over two plates. No intervention is
    /// used: agreement with <see cref="Interventional{TArgs}"/> checks that Z is a valid adjustment set.
    /// </summary>
    /// <remarks>
    /// Each inner expectation is a self-normalized (ratio) estimate, biased by O(1/<paramref name="innerDraws"/>)
    /// unless Z fixes the treatment's weight; averaging over outer draws does not shrink that bias. The
    /// estimate is therefore jackknifed over the inner draws, which leaves a bias of
    /// O(1/<paramref name="innerDraws"/>²); <see cref="CausalEstimate.BiasCorrection"/> reports how far
    /// that moved it. The standard error is the spread of the outer draws' jackknifed estimates and
    /// includes the inner draws' noise. <see cref="CausalEstimate.Draws"/> counts all
    /// <paramref name="draws"/> × <paramref name="innerDraws"/> draws and
    /// <see cref="CausalEstimate.EffectiveSampleSize"/> is Kish's over their combined weights (each
    /// outer draw's normalized inner weights over <paramref name="draws"/>): from <paramref name="draws"/>
    /// when one inner draw carries each outer draw to all of them when the inner weights are equal.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="draws"/> or <paramref name="innerDraws"/> is below 2.</exception>
    /// <exception cref="ArgumentException">A name is not a site of the model, the treatment or an adjustment variable is not a latent sample site, or <paramref name="a"/> is wider than the treatment site.</exception>
    /// <exception cref="InvalidOperationException">The treatment value has zero likelihood given some drawn Z (positivity fails), or one inner draw carries all the weight of an outer draw.</exception>
    public static CausalEstimate Backdoor<TArgs>(
        Func<TArgs, object?> model,
        TArgs args,
        string treatment,
        Tensor a,
        IReadOnlyList<string> adjustment,
        string outcome,
        int draws,
        int innerDraws = 256,
        long? seed = null)
    {
        const string query = "CausalQueries.Backdoor";
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(treatment);
        ArgumentException.ThrowIfNullOrEmpty(outcome);
        ArgumentNullException.ThrowIfNull(adjustment);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(innerDraws, 2); // one inner draw ignores its weight: the outcome's prior mean
        var sites = ModelSites.Probe(query, model, args);
        sites.RequireLatentSampleSite(treatment, "treatment");
        sites.CheckTreatmentValue(treatment, a);
        foreach (var z in adjustment)
        {
            sites.RequireLatentSampleSite(z, "adjustment variable");
        }

        sites.RequireSite(outcome, "outcome");
        using var scope = NewDisposeScope();
        using var outer = new Importance<TArgs>(model, null, draws, parallel: true).Run(args, seed);
        int nesting = Vectorization.InferNesting(model, null, args);
        var data = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [treatment] = a };
        foreach (var z in adjustment)
        {
            // each draw of Z sits on the outer plate's dim, its own batch to the right
            var drawsOfZ = outer[z];
            int lift = nesting - ((int)drawsOfZ.dim() - 1);
            data[z] = lift <= 0 ? drawsOfZ : drawsOfZ.reshape([draws, .. Enumerable.Repeat(1L, lift), .. drawsOfZ.Shape()[1..]]);
        }

        Trace trace;
        using (no_grad())
        using (seed is long s ? new SeedMessenger((s * 7919) + 1).Install() : default)
        {
            Func<TArgs, object?> nested = x =>
            {
                using var adjust = Primitives.Plate("_adjustment_draws", draws, dim: -(nesting + 1));
                using var particles = Primitives.Plate("_conditional_draws", innerDraws, dim: -(nesting + 2));
                return model.Condition(data)(x);
            };
            trace = nested.GetTrace(args);
        }

        var logWeights = trace.ObservedSites.Select(site => PerDraw(site.LogProb(), nesting)).Aggregate((x, y) => x.add(y));
        RequirePositiveWeight(trace, logWeights, nesting, treatment);
        var outcomes = PerDraw(trace[outcome].Value!.to(float64), nesting, mean: true);
        return BackdoorEstimator.Combine(logWeights, outcomes).Escape();
    }

    /// <summary>Throws unless every outer draw of Z has an inner draw of positive finite weight (<paramref name="logWeights"/>: <c>[inner, outer]</c>).</summary>
    private static void RequirePositiveWeight(Trace trace, Tensor logWeights, int nesting, string treatment)
    {
        const string query = "CausalQueries.Backdoor";
        ZeroLikelihood.RequireNoNanOrInfinity(query, logWeights);
        var best = logWeights.amax([0L]);
        var impossible = best.isneginf();
        long failed = impossible.sum().item<long>();
        if (failed > 0)
        {
            // a site is to blame when it is −∞ in every inner draw of every failed outer draw
            var blamed = trace.ObservedSites
                .Where(site => PerDraw(site.LogProb(), nesting).isneginf().all(0).logical_or(impossible.logical_not()).all().item<bool>())
                .Select(site => site.Name)
                .ToList();
            throw new InvalidOperationException(
                $"{query}: conditioning on '{treatment}' = a and the adjustment set has zero likelihood in {failed} of {best.NumberOfElements} outer draws: "
                + "no inner draw there has positive weight. "
                + ZeroLikelihood.Blame(blamed, "every inner draw of those outer draws")
                + "The treatment value is impossible given those values of the adjustment set (positivity fails): choose a value the model can take there.");
        }
    }

    private static void CheckCounts(int draws) => ArgumentOutOfRangeException.ThrowIfLessThan(draws, 2);

    private static CausalEstimate Estimate<TArgs>(string query, Func<TArgs, object?> program, TArgs args, int draws, long? seed, string outcome, Func<Tensor, Tensor> select)
    {
        using var scope = NewDisposeScope();
        var recorded = program.With(() => new OutcomeRecorder(outcome));
        using var result = new Importance<TArgs>(recorded, null, draws, parallel: true).Run(args, seed);
        ZeroLikelihood.Require(query, result.LogWeights, () => ZeroLikelihood.ImpossibleSites(recorded, args, draws, seed));
        var values = select(result[OutcomeRecorder.SiteName]).to(float64).reshape(draws, -1).mean([1L]);
        return WeightedEstimate(values, result.NormalizedWeights.to(float64)).Escape();
    }

    /// <summary>
    /// The self-normalized weighted mean of per-draw values with its delta-method standard error, Kish's
    /// ESS and the draws themselves (tensors of the current dispose scope: <see cref="CausalEstimate.Escape"/> them).
    /// </summary>
    /// <param name="values">One value per draw, <c>[draws]</c>.</param>
    /// <param name="weights">The normalized weights, <c>[draws]</c>.</param>
    internal static CausalEstimate WeightedEstimate(Tensor values, Tensor weights) =>
        new(WeightedSamples.FromNormalized(values, weights));

    /// <summary>Reduces a tensor whose batch ends in [inner, outer, ..nesting dims] to [inner, outer].</summary>
    private static Tensor PerDraw(Tensor t, int nesting, bool mean = false)
    {
        int lead = (int)t.dim() - (nesting + 2);
        if (lead < 0)
        {
            throw new InvalidOperationException($"A site of shape {Distributions.ShapeUtil.Format(t.Shape())} does not span the query's draw plates.");
        }

        var flat = t.reshape([.. t.Shape()[..(lead + 2)], -1]);
        flat = mean ? flat.mean([-1L]) : flat.sum([-1L]);
        for (int i = 0; i < lead; i++)
        {
            flat = mean ? flat.mean([0L]) : flat.sum([0L]);
        }

        return flat;
    }
}
