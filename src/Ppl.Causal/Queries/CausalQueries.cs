using Ppl.Handlers;
using Ppl.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// The three kinds of causal query, each estimated by one vectorized, seeded run of the model over
/// a plate of draws (likelihood weighting where there is evidence) with a Monte-Carlo standard
/// error. The outcome statistic of a draw is the mean of the outcome site's value over its own
/// batch (e.g. the population mean over a plate of units).
/// </summary>
/// <remarks>
/// <para>Models must vectorize: every draw runs at once along a plate left of the model's own plates
/// (as for Pyro's vectorized particles). World dims are placed left of that.</para>
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
    public static CausalEstimate Interventional<TArgs>(
        Func<TArgs, object?> model, TArgs args, IReadOnlyDictionary<string, Intervention> actions, string outcome, int draws, long? seed = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Estimate(model.Intervene(actions).SingleWorldCounterfactual(), args, draws, seed, outcome, v => v);
    }

    /// <summary>
    /// The average treatment effect E[outcome | do(treatment = a)] − E[outcome | do(treatment = b)],
    /// both worlds in one run sharing all exogenous noise (<see cref="MultiWorldCounterfactual"/>), so
    /// the difference is paired per draw.
    /// </summary>
    public static CausalEstimate Ate<TArgs>(
        Func<TArgs, object?> model, TArgs args, string treatment, Intervention a, Intervention b, string outcome, int draws, long? seed = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(treatment);
        var worlds = new[] { new WorldDim(treatment, WorldDim, 2), new WorldDim(treatment + "#2", WorldDim - 1, 2) };
        var both = model
            .Intervene(new Dictionary<string, Intervention> { [treatment] = a })
            .Intervene(new Dictionary<string, Intervention> { [treatment] = b })
            .MultiWorld(WorldDim);
        return Estimate(both, args, draws, seed, outcome, v =>
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
    public static CausalEstimate Counterfactual<TArgs>(
        Func<TArgs, object?> model,
        TArgs args,
        IReadOnlyDictionary<string, Tensor> evidence,
        IReadOnlyDictionary<string, Intervention> actions,
        string outcome,
        int draws,
        long? seed = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var twin = new[] { new WorldDim(TwinWorldCounterfactual.IndexName, WorldDim, 2) };
        var query = model.Condition(evidence).Intervene(actions).TwinWorld(WorldDim);
        return Estimate(query, args, draws, seed, outcome, v => WorldTensors.Gather(v, TwinWorldCounterfactual.CounterfactualWorld, twin));
    }

    /// <summary>
    /// Backdoor adjustment: E[outcome | do(treatment = a)] = E_Z[ E[outcome | treatment = a, Z] ] for
    /// an adjustment set Z that blocks every backdoor path. Z is drawn from the model's
    /// observational distribution (<paramref name="draws"/> times); each inner expectation
    /// conditions the model on treatment = a and that draw of Z by likelihood weighting over
    /// <paramref name="innerDraws"/> draws — all draws in one run over two plates. No intervention is
    /// used: agreement with <see cref="Interventional{TArgs}"/> checks that Z is a valid adjustment set.
    /// </summary>
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
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(adjustment);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(innerDraws, 1);
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
        var weights = logWeights.to(float64).softmax(0);
        var outcomes = PerDraw(trace[outcome].Value!.to(float64), nesting, mean: true);
        var perDraw = weights.mul(outcomes).sum([0L]);
        double mean = perDraw.mean().item<double>();
        double se = perDraw.std().item<double>() / Math.Sqrt(draws);
        return new CausalEstimate(mean, se, draws, draws);
    }

    private static CausalEstimate Estimate<TArgs>(Func<TArgs, object?> query, TArgs args, int draws, long? seed, string outcome, Func<Tensor, Tensor> select)
    {
        ArgumentException.ThrowIfNullOrEmpty(outcome);
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 2);
        using var scope = NewDisposeScope();
        using var result = new Importance<TArgs>(query.With(() => new OutcomeRecorder(outcome)), null, draws, parallel: true).Run(args, seed);
        var values = select(result[OutcomeRecorder.SiteName]).to(float64).reshape(draws, -1).mean([1L]);
        return WeightedEstimate(values, result.NormalizedWeights.to(float64));
    }

    /// <summary>The self-normalized weighted mean of per-draw values with its delta-method standard error and Kish's ESS.</summary>
    internal static CausalEstimate WeightedEstimate(Tensor values, Tensor weights)
    {
        int draws = (int)values.Shape()[0];
        double estimate = weights.mul(values).sum().item<double>();
        double se = Math.Sqrt(weights.square().mul(values.sub(estimate).square()).sum().item<double>());
        double ess = 1.0 / weights.square().sum().item<double>();
        return new CausalEstimate(estimate, se, draws, ess);
    }

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
