using Ppl.Distributions;
using Ppl.Inference.Optim;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// Monte Carlo EM for a fitted factor model's point estimate: θ's median and the model's own parameters
/// move to the marginal MAP, argmax log p(A | θ) + log p(θ), with Z integrated out by importance
/// sampling. Each round draws L proposals of every unit's Z, holds them fixed, and maximizes
/// Σ_i log (1/L) Σ_l p(A_i,obs | Z_il, θ) p(Z_il) / q_i(Z_il) + log p(θ) by L-BFGS (Geyer's Monte
/// Carlo maximum likelihood); its gradient is the self-normalized estimate of Fisher's identity
/// E_{p(Z | A, θ)}[∇ log p(A, Z | θ)], the gradient EM ascends.
/// </summary>
/// <remarks>
/// Why: the ELBO's optimum is biased towards parameters under which the posterior of Z is easy for the
/// Gaussian encoder, and for a factor model that means loadings shrunk towards 0 (about 10% on binary
/// casting data with K = 2). Replicas drawn at shrunk loadings are more spread than the data, so a
/// held-out predictive check rejects the right model. The first round proposes from the (widened)
/// encoder; an importance-sampled objective prefers parameters under which its proposal fits, so it
/// pulls back towards SVI's estimate, and later rounds propose from each unit's posterior at the new θ,
/// moment-matched on the last round's weighted draws (for real-valued Z; a positive Z keeps the encoder).
/// </remarks>
internal static class MonteCarloEm
{
    /// <summary>Added to each unit's moment-matched posterior variance: a floor for units whose draws collapsed onto one.</summary>
    private const double MinimumVariance = 1e-6;

    /// <summary>Proposals per chunk of an evaluation: a [chunk, N, m] log-density of a few MB stays below glibc's mmap threshold, where larger ones page-fault afresh on every evaluation.</summary>
    private const int Chunk = 4;

    /// <summary>L-BFGS iterations per round at most; the objective levels off well before (about 20 on the film data).</summary>
    private const int Iterations = 100;

    /// <summary>
    /// Runs <paramref name="rounds"/> rounds on <paramref name="fit"/> in place, each with
    /// <paramref name="proposals"/> fresh draws of every unit's Z and at most
    /// <see cref="Iterations"/> L-BFGS iterations. Returns the maximized objective per unit
    /// (the importance-sampled log p(A_i,obs | θ) averaged over units, plus log p(θ)/N, up to the
    /// constant −log L) after each round. The draws come from <paramref name="seed"/>, not the global generator.
    /// </summary>
    public static IReadOnlyList<double> Run(FittedFactorModel fit, int rounds, int proposals, long seed)
    {
        var latent = fit.LatentGuide;
        var objectives = new List<double>();
        if (latent is null || rounds == 0)
        {
            return objectives;
        }

        bool real = fit.Model.LatentSupport.Equals(Constraints.Real);
        Tensor? posteriorMean = null, posteriorFactor = null; // each unit's weighted moments from the last round: [N, K], Cholesky [N, K, K]
        for (int round = 0; round < rounds; round++)
        {
            using var scope = NewDisposeScope();
            Tensor z, offset;
            if (posteriorMean is null || posteriorFactor is null)
            {
                var (values, logWeights) = ConditionalPosteriorDraws.WeightedProposals(fit, latent, fit.Data, fit.CauseMedians(), proposals, seed); // [N, L, K], [N, L]
                z = values.permute(1, 0, 2).unsqueeze(-2).contiguous(); // [L, N, 1, K] as the site
                using var active = fit.Store.Activate();
                offset = logWeights.T.sub(LogDensities(fit, z).Likelihood).contiguous(); // log p(Z) − log q(Z), fixed while θ moves
            }
            else
            {
                (z, offset) = GaussianProposals(fit, posteriorMean, posteriorFactor, proposals, unchecked((long)Handlers.SeedMessenger.SiteSeed(seed, $"round {round}")));
            }

            objectives.Add(-Maximize(fit, z, offset));
            if (real)
            {
                // the next round proposes from each unit's posterior at the new θ, moment-matched on these
                // draws: the encoder was trained against SVI's θ, and importance sampling from it pulls
                // the estimate back towards SVI's
                Tensor weights;
                using (fit.Store.Activate())
                {
                    weights = LogDensities(fit, z).Likelihood.add(offset).to(float64).softmax(0).unsqueeze(-1); // [L, N, 1]
                }

                var draws = z.squeeze(-2).to(float64); // [L, N, K]
                var mean = weights.mul(draws).sum([0L]); // [N, K]
                var centred = draws.sub(mean);
                var covariance = weights.unsqueeze(-1).mul(centred.unsqueeze(-1).mul(centred.unsqueeze(-2))).sum([0L]) // [N, K, K]
                    .add(eye(mean.shape[1], dtype: float64, device: mean.device).mul(MinimumVariance));
                posteriorMean?.Dispose();
                posteriorFactor?.Dispose();
                posteriorMean = mean.MoveToOuterDisposeScope();
                posteriorFactor = linalg.cholesky(covariance).MoveToOuterDisposeScope();
            }
        }

        posteriorMean?.Dispose();
        posteriorFactor?.Dispose();
        return objectives;
    }

    /// <summary>
    /// Minimizes −(Σ_i log Σ_l exp(log p(A_i,obs | Z_li, θ) + offset_li) + log p(θ)) / N over the store's
    /// parameters it depends on, the draws Z held fixed (common random numbers make it a smooth function of
    /// θ); returns the minimum.
    /// </summary>
    private static double Maximize(FittedFactorModel fit, Tensor z, Tensor offset)
    {
        using var active = fit.Store.Activate();
        var free = fit.Store.Parameters.Where(p => p.requires_grad).ToList();
        ZeroGrad(free);
        Backpropagate(fit, z, offset); // once, to learn which parameters it reaches (θ's medians and the model's own)
        free = free.Where(p => p.grad is not null).ToList();
        var sizes = free.Select(p => (int)p.numel()).ToArray();
        var x0 = free.SelectMany(p => Host(p)).ToArray();

        double Objective(double[] x, double[] gradient)
        {
            double loss = Evaluate(x, gradient);
            // every evaluation allocates and frees the same [chunk, N, m] tensors, which glibc before 2.39
            // does not reuse (TensorMemory's remarks): without this the default deconfounder run grew by
            // ~0.2 GB an evaluation, to 11.3 GB
            TensorMemory.ReleaseFreedIfAllowed();
            return loss;
        }

        double Evaluate(double[] x, double[] gradient)
        {
            using var evaluation = NewDisposeScope(); // L-BFGS evaluates hundreds of times a round
            Write(free, sizes, x);
            ZeroGrad(free);
            double loss = Backpropagate(fit, z, offset);
            int at = 0;
            for (int k = 0; k < free.Count; k++)
            {
                var g = free[k].grad is { } grad ? Host(grad) : new double[sizes[k]];
                Array.Copy(g, 0, gradient, at, sizes[k]);
                at += sizes[k];
            }

            return loss;
        }

        var result = BoundedLbfgs.Minimize(Objective, x0, options: new BoundedLbfgsOptions { MaxIterations = Iterations, MaxEvaluations = 2 * Iterations });
        Write(free, sizes, [.. result.X]);
        ZeroGrad(free);
        return result.F;
    }

    /// <summary>
    /// The objective's value, with its gradient accumulated into the store: the gradient of a unit's
    /// log-sum-exp is the self-normalized average of its draws' gradients (Fisher's identity), so the
    /// weights are computed first without a graph and the draws are then backpropagated chunk by chunk.
    /// </summary>
    private static double Backpropagate(FittedFactorModel fit, Tensor z, Tensor offset)
    {
        using var scope = NewDisposeScope();
        long proposals = z.shape[0];
        long units = z.shape[1];
        Tensor logWeights;
        using (no_grad())
        {
            logWeights = LogDensities(fit, z).Likelihood.add(offset).to(float64); // [L, N]
        }

        var weights = logWeights.softmax(0).to(offset.dtype);
        double total = -logWeights.logsumexp(0).sum().item<double>() / units;
        for (long start = 0; start < proposals; start += Chunk)
        {
            using var chunkScope = NewDisposeScope();
            long count = Math.Min(Chunk, proposals - start);
            var trace = ChunkTrace(fit, z, start, count);
            var likelihood = trace[FactorModel.CausesSite].UnscaledLogProb().sum([-1L]).mul(weights.narrow(0, start, count)).sum(); // held-out entries are masked to 0
            var prior = PriorLogDensity(fit, trace).div(proposals); // each chunk's copies of θ carry count/L of its prior
            var objective = likelihood.add(prior).neg().div(units);
            if (!objective.requires_grad)
            {
                // libtorch's own error here ("element 0 of tensors does not require grad") names nothing a user can act on
                throw new NotSupportedException(
                    $"FactorFitOptions.EmRounds: {fit.Model.GetType().Name}'s likelihood does not reach a parameter Monte Carlo EM can move "
                    + "(its per-cause latents enter through a constrained median); EM supports ProbabilisticPca and LogisticFactorModel. Set EmRounds to 0.");
            }

            objective.backward();
            total -= prior.detach().to(float64).item<double>() / units;
        }

        return total;
    }

    /// <summary>log p(A_i,obs | Z_li, θ) and log p(Z_li) at the store's θ for every draw, each [L, N], without a graph.</summary>
    private static (Tensor Likelihood, Tensor Prior) LogDensities(FittedFactorModel fit, Tensor z)
    {
        using var noGrad = no_grad();
        var likelihoods = new List<Tensor>();
        var priors = new List<Tensor>();
        for (long start = 0; start < z.shape[0]; start += Chunk)
        {
            long count = Math.Min(Chunk, z.shape[0] - start);
            var trace = ChunkTrace(fit, z, start, count);
            likelihoods.Add(trace[FactorModel.CausesSite].UnscaledLogProb().sum([-1L]));
            priors.Add(trace[FactorModel.LatentSite].UnscaledLogProb().squeeze(-1));
        }

        return (cat(likelihoods, 0), cat(priors, 0));
    }

    /// <summary>
    /// <paramref name="count"/> draws per unit from N(mean_i, (w·L_i)(w·L_i)ᵀ), w = <see cref="ConditionalPosteriorDraws.Widen"/>,
    /// as the site [L, N, 1, K], with their offsets log p(Z) − log q(Z), [L, N]; drawn from <paramref name="seed"/>.
    /// </summary>
    private static (Tensor Z, Tensor Offset) GaussianProposals(FittedFactorModel fit, Tensor mean, Tensor factor, int count, long seed)
    {
        long k = mean.shape[1];
        using var generator = new Generator((ulong)seed, mean.device);
        var noise = randn([count, .. mean.shape], dtype: float64, device: mean.device, generator: generator); // [L, N, K]
        var scaled = factor.mul(ConditionalPosteriorDraws.Widen);
        var draws = mean.add(scaled.unsqueeze(0).mul(noise.unsqueeze(-2)).sum([-1L])); // mean + (w·L) ε
        var logProposal = noise.square().sum([-1L]).mul(-0.5)
            .sub(scaled.diagonal(0, -2, -1).log().sum([-1L]))
            .sub(0.5 * k * Math.Log(2 * Math.PI)); // the density of mean + S ε at ε: N(ε; 0, I) / |S|
        var z = draws.to(fit.Data.Causes!.dtype).unsqueeze(-2).contiguous();
        using var active = fit.Store.Activate();
        var offset = LogDensities(fit, z).Prior.to(float64).sub(logProposal).contiguous();
        return (z, offset);
    }

    /// <summary>The model's trace with θ at the guide's median and Z at draws [start, start + count) (a proposals plate on dim −3).</summary>
    private static Trace ChunkTrace(FittedFactorModel fit, Tensor z, long start, long count)
    {
        var conditioned = fit.CauseMedians().ToDictionary(p => p.Key, p => p.Value.expand([count, 1, .. p.Value.shape]), StringComparer.Ordinal);
        conditioned[FactorModel.LatentSite] = z.narrow(0, start, count);
        Func<FactorData, object?> model = fit.Model.Model;
        using var proposals = Plate(ConditionalPosteriorDraws.ProposalsPlate, count, dim: -3);
        return model.Condition(conditioned).GetTrace(fit.Data);
    }

    /// <summary>Σ over the per-cause latent sites of their prior log-density in <paramref name="trace"/> (every copy).</summary>
    private static Tensor PriorLogDensity(FittedFactorModel fit, Trace trace)
    {
        Tensor? sum = null;
        foreach (string site in fit.Model.CauseLatentSites)
        {
            var term = trace[site].UnscaledLogProb().sum();
            sum = sum is null ? term : sum.add(term);
        }

        return sum ?? trace[FactorModel.CausesSite].Value!.new_zeros([]);
    }

    private static void Write(List<TorchSharp.Modules.Parameter> parameters, int[] sizes, double[] x)
    {
        using var noGrad = no_grad();
        int offset = 0;
        for (int k = 0; k < parameters.Count; k++)
        {
            var p = parameters[k];
            using var value = tensor(x.AsSpan(offset, sizes[k]).ToArray(), dtype: float64);
            p.copy_(value.to(p.dtype, p.device).view(p.shape));
            offset += sizes[k];
        }
    }

    private static void ZeroGrad(List<TorchSharp.Modules.Parameter> parameters)
    {
        foreach (var p in parameters)
        {
            p.grad?.zero_();
        }
    }

    private static double[] Host(Tensor t)
    {
        using var host = t.detach().to(float64).cpu().contiguous();
        return host.data<double>().ToArray();
    }
}
