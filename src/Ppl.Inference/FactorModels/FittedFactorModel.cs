using Ppl.Distributions;
using Ppl.Inference.Guides;
using Ppl.Params;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// A <see cref="FactorModel"/> fitted by SVI (<see cref="FactorModelFitting.Fit"/>): the guide
/// (a mean-field Normal over the per-cause latents θ and the amortized encoder q(Z_i | A_i)), the
/// parameter store that holds it and the model's own parameters, and the −ELBO per epoch.
/// </summary>
public sealed class FittedFactorModel : IDisposable
{
    private readonly AutoGuideList<FactorData>? _guide;
    private readonly AmortizedLatentGuide? _latent;
    private readonly FactorEncoder? _encoder;

    internal FittedFactorModel(FactorModel model, AutoGuideList<FactorData>? guide, AmortizedLatentGuide? latent, FactorEncoder? encoder, ParamStore store, FactorData data, IReadOnlyList<double> losses)
    {
        Model = model;
        (_guide, _latent, _encoder) = (guide, latent, encoder);
        Store = store;
        Data = data;
        Losses = losses;
    }

    /// <summary>The encoder's guide of Z, null without factors.</summary>
    internal AmortizedLatentGuide? LatentGuide => _latent;

    /// <summary>The model that was fitted.</summary>
    public FactorModel Model { get; }

    /// <summary>The guide's and the model's parameters (activate it to run <see cref="Guide"/> or the model).</summary>
    public ParamStore Store { get; }

    /// <summary>The data it was fitted to, all units as one batch.</summary>
    public FactorData Data { get; }

    /// <summary>The −ELBO per unit after each epoch (the mean of its steps' estimates).</summary>
    public IReadOnlyList<double> Losses { get; }

    /// <summary>
    /// After each Monte Carlo EM round (<see cref="FactorFitOptions.EmRounds"/>), the maximized objective
    /// per unit: the importance-sampled log p(A_i,obs | θ) averaged over units plus log p(θ)/N, up to the
    /// constant log L of L draws. It levels off as EM converges (up to the sampler's noise). Empty without EM.
    /// </summary>
    public IReadOnlyList<double> EmObjectives { get; internal set; } = [];

    /// <summary>The guide program q(θ, Z | A) (nothing to draw for a model without latents), e.g. for <see cref="Predictive{TArgs}"/>.</summary>
    public object? Guide(FactorData data) => _guide?.Guide(data);

    /// <summary>The guide's median of the per-cause latents θ (e.g. PPCA's <c>loadings</c>, [m, K]); empty when θ is all parameters.</summary>
    public IReadOnlyDictionary<string, Tensor> CauseMedians()
    {
        if (_guide is null || Model.CauseLatentSites.Count == 0)
        {
            return new Dictionary<string, Tensor>(StringComparer.Ordinal);
        }

        using (Store.Activate())
        {
            var medians = _guide.Median(Data);
            return Model.CauseLatentSites.ToDictionary(s => s, s => medians[s], StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// The substitute confounder Ẑ_i = E[Z_i | A_i] for every unit of <paramref name="causes"/> [N, m]
    /// (those fitted, or new ones: the encoder is amortized), reading only the entries
    /// <paramref name="observed"/> marks; [N, K]. The posterior mean is under the model with θ at its
    /// posterior median, by self-normalized importance sampling with <paramref name="proposals"/> encoder
    /// draws per unit: the encoder's own mean is a linear function of the causes and misses where the
    /// posterior is not (a cause cast only at high Z_i1 truncates Z_i1's posterior), and a confounder
    /// estimate that is off in a way correlated with a cause leaves bias in that cause's effect. With
    /// <paramref name="proposals"/> = 0, the encoder's mean E_q[Z_i | A_i]. The proposals are drawn from
    /// <paramref name="seed"/> (the same seed, the same Ẑ), not from the global generator.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no factors.</exception>
    public Tensor SubstituteConfounders(Tensor causes, Tensor? observed = null, int proposals = 256, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(causes);
        ArgumentOutOfRangeException.ThrowIfNegative(proposals);
        var latent = _latent ?? throw new InvalidOperationException($"{Model.GetType().Name} with 0 factors has no latent Z to substitute for the confounder.");
        var data = FactorData.All(causes, observed);
        return proposals == 0 ? latent.Mean(data) : ConditionalPosteriorDraws.Mean(this, latent, data, proposals, seed);
    }

    /// <summary>
    /// The latents at the posterior point, shaped as their sites, to condition the model on: θ at its
    /// median (<see cref="CauseMedians"/>) and, when the model has factors, <c>z</c> = <paramref name="substitute"/>
    /// (Ẑ of the units the model runs on, [n, K]; ignored, and may be null, without factors).
    /// </summary>
    /// <exception cref="ArgumentNullException">The model has factors and no Ẑ is given.</exception>
    public Dictionary<string, Tensor> PosteriorPoint(Tensor? substitute)
    {
        var point = new Dictionary<string, Tensor>(CauseMedians(), StringComparer.Ordinal);
        if (Model.Factors > 0)
        {
            point[FactorModel.LatentSite] = (substitute ?? throw new ArgumentNullException(nameof(substitute), $"{Model.GetType().Name} has {Model.Factors} factors: give Ẑ, [n, {Model.Factors}].")).unsqueeze(-2);
        }

        return point;
    }

    /// <summary>
    /// The reconstructed causes Â = E[A | Ẑ, θ̂], [N, m]: the mean of every entry under the model with θ at
    /// its posterior median and Z = <paramref name="substitute"/> (Ẑ of the N units, [N, K]; null without
    /// factors). Wang &amp; Blei adjust a cause for its reconstruction by regressing on A_j − Â_j.
    /// </summary>
    /// <exception cref="ArgumentNullException">The model has factors and no Ẑ is given.</exception>
    public Tensor ReconstructedCauses(Tensor? substitute)
    {
        using var scope = NewDisposeScope();
        long units = substitute?.shape[0] ?? Data.Rows.DataSize;
        return PointEntries(substitute, units).Mean.MoveToOuterDisposeScope();
    }

    /// <summary>The causes' distribution at the posterior point (<see cref="PosteriorPoint"/>) for <paramref name="units"/> units, batch [units, m].</summary>
    internal Distribution PointEntries(Tensor? substitute, long units)
    {
        using var noGrad = no_grad();
        using var active = Store.Activate();
        Func<FactorData, object?> model = Model.Model;
        var rows = new FactorData(FactorData.AllRows(units), null);
        return model.Condition(PosteriorPoint(substitute)).GetTrace(rows)[FactorModel.CausesSite].Distribution!;
    }

    /// <summary>Ẑ for the units the model was fitted to, from the entries it saw.</summary>
    public Tensor SubstituteConfounders() => SubstituteConfounders(Data.Causes!, Data.Observed);

    /// <summary>
    /// The held-out ELBO per unit of new units <paramref name="causes"/> [N′, m], in nats: the mean over
    /// them of E_q[log p(A_i | Z_i, θ̂) + log p(Z_i) − log q(Z_i | A_i)], θ at its posterior median and Z_i
    /// from the encoder, by <paramref name="particles"/> draws (seeded by <paramref name="seed"/>). Higher is
    /// better. It falls short of the held-out log-likelihood (<see cref="HeldOutLogLikelihood"/>) by the
    /// encoder's KL gap to each unit's posterior; compare families by that instead.
    /// </summary>
    public double HeldOutElbo(Tensor causes, Tensor? observed = null, int particles = 16, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(causes);
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        if (_latent is null)
        {
            return HeldOutLogLikelihood(causes, observed); // nothing to approximate: the ELBO is the log-likelihood
        }

        // θ is plugged in, not scored: a held-out score must not carry θ's prior density, log p(θ̂)/N′, which
        // depends on how many units are scored and, between families, on their priors
        using var scope = NewDisposeScope();
        var data = FactorData.All(causes, observed);
        var (_, logWeights) = ConditionalPosteriorDraws.WeightedProposals(this, _latent, data, CauseMedians(), particles, seed, widen: 1.0); // [N′, L]
        return logWeights.mean().item<double>();
    }

    /// <summary>
    /// The held-out log-likelihood per unit of new units <paramref name="causes"/> [N′, m], in nats: the
    /// mean over them of log p(A_i,obs | θ̂) = log ∫ p(A_i,obs | Z, θ̂) p(Z) dZ, θ at its posterior median,
    /// the entries <paramref name="observed"/> marks (all when null). Z is integrated out by importance
    /// sampling with <paramref name="proposals"/> widened encoder draws per unit (the log of the mean
    /// weight); without factors it is exact. Higher is better.
    /// </summary>
    /// <remarks>
    /// Use it to compare families. The held-out ELBO (<see cref="HeldOutElbo"/>) is below this by the
    /// encoder's KL gap to each unit's posterior, and that gap differs between families (a Gaussian encoder
    /// of a Gamma factor, a Bernoulli-logit posterior against a Poisson one), so the ELBO can rank a model
    /// above the one that generated the data. The estimate is consistent as proposals grow and below the
    /// truth in expectation by about half the weights' relative variance over the proposals.
    /// </remarks>
    public double HeldOutLogLikelihood(Tensor causes, Tensor? observed = null, int proposals = 256, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(causes);
        ArgumentOutOfRangeException.ThrowIfLessThan(proposals, 1);
        using var scope = NewDisposeScope();
        var data = FactorData.All(causes, observed);
        if (_latent is null)
        {
            // the model's own run masks the held-out entries and checks the shapes
            using var noGrad = no_grad();
            using var active = Store.Activate();
            Func<FactorData, object?> model = Model.Model;
            var trace = model.Condition(CauseMedians()).GetTrace(data);
            return trace[FactorModel.CausesSite].UnscaledLogProb().to(float64).sum().item<double>() / causes.shape[0];
        }

        var (_, logWeights) = ConditionalPosteriorDraws.WeightedProposals(this, _latent, data, CauseMedians(), proposals, seed); // [N′, L]
        return logWeights.logsumexp(-1).sub(Math.Log(proposals)).mean().item<double>();
    }

    /// <summary>The model's own (non-latent) parameter <paramref name="name"/>, constrained (e.g. PPCA's <c>noise_scale</c>).</summary>
    public Tensor Parameter(string name) => Store[name];

    /// <inheritdoc />
    public void Dispose()
    {
        _guide?.Dispose();
        _encoder?.Dispose();
        Store.Dispose();
    }
}
