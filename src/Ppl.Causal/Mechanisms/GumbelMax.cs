using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// The Gumbel-max structural mechanism for a categorical variable: X = argmax_k(logits_k + g_k)
/// with independent standard Gumbel noise g. Given an observed category, the noise posterior is
/// sampled exactly by the top-down construction (the maximum of logits + g is Gumbel around
/// logsumexp(logits) and independent of which category attains it; every other category is a
/// Gumbel truncated below that maximum), so counterfactuals computed with it are
/// counterfactually stable in the sense of Oberst &amp; Sontag (2019).
/// All functions are vectorized over samples, batch and categories; the last dimension of
/// logits indexes the K categories. Logits may be −∞ (impossible categories) but not +∞ or NaN.
/// </summary>
public static class GumbelMax
{
    /// <summary>
    /// The mechanism: argmax over the last dimension of <paramref name="logits"/> + <paramref name="noise"/>.
    /// </summary>
    /// <param name="logits">Unnormalized log-probabilities, shape <c>batch + [K]</c>.</param>
    /// <param name="noise">Gumbel noise broadcastable with <paramref name="logits"/>, shape <c>… + [K]</c>.</param>
    /// <returns>int64 categories, shape = broadcast of both shapes without the last dimension.</returns>
    /// <exception cref="ArgumentException">The last dimensions differ or the shapes do not broadcast.</exception>
    public static Tensor Apply(Tensor logits, Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(noise);
        RequireCategories(logits, nameof(logits));
        if (noise.dim() == 0 || noise.Shape()[^1] != logits.Shape()[^1])
        {
            throw new ArgumentException(
                $"GumbelMax.Apply: noise (shape {ShapeUtil.Format(noise.Shape())}) must end in the {logits.Shape()[^1]} categories of logits (shape {ShapeUtil.Format(logits.Shape())}).",
                nameof(noise));
        }

        _ = Broadcast(logits.Shape(), noise.Shape(), "noise", nameof(noise));
        return logits.add(noise).argmax(-1);
    }

    /// <summary>Standard Gumbel(0, 1) noise of shape <c>sampleShape + logits.Shape()</c> with the dtype and device of <paramref name="logits"/>.</summary>
    /// <param name="logits">Logits whose shape, dtype and device the noise takes (values are not read).</param>
    /// <param name="sampleShape">Leading sample dimensions (none when null).</param>
    /// <param name="generator">Random generator (the default one when null).</param>
    public static Tensor SamplePrior(Tensor logits, long[]? sampleShape = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        RequireCategories(logits, nameof(logits));
        return Kernels.StandardGumbel([.. sampleShape ?? [], .. logits.Shape()], logits.dtype, logits.device, generator);
    }

    /// <summary>
    /// Exact draws of the noise g given <paramref name="observed"/> = argmax(logits + g). The observed
    /// category attains the maximum M = logsumexp(logits) + Gumbel(0, 1); every other category k gets
    /// logits_k + g_k ~ Gumbel(logits_k) truncated to (−∞, M]. Categories with logit −∞ get prior
    /// noise: they never win in the factual world, so the evidence says nothing about them.
    /// </summary>
    /// <param name="logits">Factual logits, shape <c>batch + [K]</c>.</param>
    /// <param name="observed">Observed categories (integer-valued), broadcastable with <c>batch</c>; each must have a finite logit.</param>
    /// <param name="sampleShape">Leading sample dimensions (none when null).</param>
    /// <param name="generator">Random generator (the default one when null).</param>
    /// <returns>Noise of shape <c>sampleShape + broadcast(observed.Shape(), batch) + [K]</c> (= <c>sampleShape + logits.Shape()</c> when observed fits the batch).</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or (validation on, not meta) an observation is not a category with finite logit.</exception>
    /// <remarks>
    /// Floating-point guard: a non-observed coordinate that lands within a few ulps of the truncation
    /// point is pulled just below it, so that <see cref="Apply"/> on the draw returns the observed
    /// category exactly (ties would otherwise go to the lowest index). This moves draws of
    /// probability of order the dtype's epsilon by a few ulps.
    /// </remarks>
    public static Tensor SamplePosterior(Tensor logits, Tensor observed, long[]? sampleShape = null, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var (logProbs, isObserved, notObserved, _, batch) = Prepare(logits, observed, nameof(SamplePosterior));
        long k = logits.Shape()[^1];
        long[] sample = sampleShape ?? [];
        var max = Kernels.StandardGumbel([.. sample, .. batch, 1], logits.dtype, logits.device, generator);

        // in noise coordinates the truncation point of category k is M − logits_k = G − log softmax_k
        // (+∞ for impossible categories, which leaves their prior draw untouched)
        var bound = max.sub(logProbs);
        var prior = Kernels.StandardGumbel([.. sample, .. batch, k], logits.dtype, logits.device, generator);
        var others = MechanismNoise.TruncateGumbelAbove(prior, bound);
        var noise = others.masked_fill(isObserved, 0).add(bound.masked_fill(notObserved, 0));
        return KeepObservedOnTop(logits, isObserved, notObserved, noise).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Log-density of the noise posterior of <see cref="SamplePosterior"/> at <paramref name="noise"/>:
    /// Σ_k log Gumbel(g_k) − log softmax(logits)[observed] where argmax(logits + g) = observed, −∞ elsewhere.
    /// </summary>
    /// <param name="logits">Factual logits, shape <c>batch + [K]</c>.</param>
    /// <param name="observed">Observed categories, broadcastable with <c>batch</c>.</param>
    /// <param name="noise">Noise vectors, shape <c>… + [K]</c> broadcastable with the batch.</param>
    /// <returns>Log-densities, shape = broadcast of <c>noise.Shape()[..^1]</c> and the batch.</returns>
    /// <exception cref="ArgumentException">Shapes do not fit, or (validation on, not meta) an observation is not a category with finite logit.</exception>
    public static Tensor PosteriorLogProb(Tensor logits, Tensor observed, Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(noise);
        using var scope = NewDisposeScope();
        var (logProbs, _, notObserved, index, batch) = Prepare(logits, observed, nameof(PosteriorLogProb));
        if (noise.dim() == 0 || noise.Shape()[^1] != logits.Shape()[^1])
        {
            throw new ArgumentException(
                $"GumbelMax.PosteriorLogProb: noise (shape {ShapeUtil.Format(noise.Shape())}) must end in the {logits.Shape()[^1]} categories of logits (shape {ShapeUtil.Format(logits.Shape())}).",
                nameof(noise));
        }

        _ = Broadcast([.. batch, logits.Shape()[^1]], noise.Shape(), "noise", nameof(noise));
        var priorLogDensity = noise.add(noise.neg().exp()).neg().sum(-1);
        var observedLogProb = logProbs.masked_fill(notObserved, 0).sum(-1);
        var misses = logits.add(noise).argmax(-1).ne(index);
        return priorLogDensity.sub(observedLogProb).masked_fill(misses, double.NegativeInfinity).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Counterfactual categories: noise from the posterior given <paramref name="observed"/> under
    /// <paramref name="factualLogits"/>, pushed through the mechanism with <paramref name="counterfactualLogits"/>.
    /// </summary>
    /// <param name="factualLogits">Logits of the factual world, shape <c>batch + [K]</c>.</param>
    /// <param name="observed">Observed factual categories, broadcastable with <c>batch</c>.</param>
    /// <param name="counterfactualLogits">Logits of the counterfactual world, broadcastable with the noise, same K.</param>
    /// <param name="sampleShape">Leading sample dimensions (none when null).</param>
    /// <param name="generator">Random generator (the default one when null).</param>
    /// <returns>int64 categories of shape <c>sampleShape + broadcast batch</c>.</returns>
    public static Tensor Counterfactual(Tensor factualLogits, Tensor observed, Tensor counterfactualLogits, long[]? sampleShape = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(counterfactualLogits);
        using var scope = NewDisposeScope();
        var noise = SamplePosterior(factualLogits, observed, sampleShape, generator);
        return Apply(counterfactualLogits, noise).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Pulls every non-observed coordinate strictly below the observed sum in floating point:
    /// g_k ≤ S − logits_k − m with S = logits_obs + g_obs and m = 4·eps·(|S| + |logits_k|) + tiny,
    /// which covers the three roundings between this cap and the comparison in <see cref="Apply"/>.
    /// </summary>
    private static Tensor KeepObservedOnTop(Tensor logits, Tensor isObserved, Tensor notObserved, Tensor noise)
    {
        var finfo = torch.finfo(logits.dtype);
        var sums = logits.add(noise);
        var top = sums.masked_fill(notObserved, 0).sum(-1, keepdim: true);
        var finiteLogits = logits.masked_fill(logits.eq(double.NegativeInfinity), 0);
        var margin = MechanismNoise.Magnitude(top).add(MechanismNoise.Magnitude(finiteLogits)).mul(4 * finfo.eps).add(finfo.tiny);
        var cap = top.sub(logits).sub(margin).masked_fill(isObserved, double.PositiveInfinity);
        return noise.minimum(cap);
    }

    /// <summary>
    /// Validates logits and observations and returns log softmax(logits) and the one-hot mask of the
    /// observed category, both expanded to <c>batch + [K]</c>, the observations as int64 and the broadcast batch shape.
    /// </summary>
    private static (Tensor LogProbs, Tensor IsObserved, Tensor NotObserved, Tensor Index, long[] Batch) Prepare(Tensor logits, Tensor observed, string caller)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(observed);
        RequireCategories(logits, nameof(logits));
        long k = logits.Shape()[^1];
        long[] batch = Broadcast(logits.Shape()[..^1], observed.Shape(), "observed", nameof(observed));
        var index = observed.dtype == ScalarType.Int64 ? observed : observed.to(ScalarType.Int64);
        var logProbs = logits.log_softmax(-1).expand([.. batch, k]); // log_softmax, unlike logsumexp, runs on meta
        var categories = torch.arange(k, dtype: ScalarType.Int64, device: logits.device);
        var isObserved = index.unsqueeze(-1).eq(categories).expand([.. batch, k]);
        var notObserved = index.unsqueeze(-1).ne(categories).expand([.. batch, k]); // no logical_not on meta
        if (MechanismNoise.ShouldValidate(logits) && MechanismNoise.ShouldValidate(observed))
        {
            ValidateObserved(logits, observed, index, logProbs, notObserved, caller);
        }

        return (logProbs, isObserved, notObserved, index, batch);
    }

    private static void ValidateObserved(Tensor logits, Tensor observed, Tensor index, Tensor logProbs, Tensor notObserved, string caller)
    {
        using var scope = NewDisposeScope();
        long k = logits.Shape()[^1];
        bool integral = observed.dtype == ScalarType.Int64 || index.to(observed.dtype).eq(observed).all().item<bool>();
        if (!integral || index.lt(0).any().item<bool>() || index.ge(k).any().item<bool>())
        {
            throw new ArgumentException(
                $"GumbelMax.{caller}: observed (shape {ShapeUtil.Format(observed.Shape())}) must hold integer categories in [0, {k - 1}] for logits of shape {ShapeUtil.Format(logits.Shape())}.",
                nameof(observed));
        }

        var observedLogProb = logProbs.masked_fill(notObserved, 0).sum(-1);
        var possible = observedLogProb.gt(double.NegativeInfinity);
        if (!possible.all().item<bool>())
        {
            long first = possible.logical_not().flatten().nonzero()[0, 0].item<long>();
            throw new ArgumentException(
                $"GumbelMax.{caller}: observed (shape {ShapeUtil.Format(observed.Shape())}) includes a category with logit −∞ (or logits with +∞/NaN) for logits of shape {ShapeUtil.Format(logits.Shape())}: flat batch index {first}. The observation is impossible in the factual world.",
                nameof(observed));
        }
    }

    private static long[] Broadcast(long[] a, long[] b, string what, string parameter)
    {
        try
        {
            return ShapeUtil.Broadcast(a, b);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"GumbelMax: {what} (shape {ShapeUtil.Format(b)}) does not broadcast with shape {ShapeUtil.Format(a)}.", parameter, e);
        }
    }

    private static void RequireCategories(Tensor logits, string name)
    {
        if (logits.dim() == 0 || logits.Shape()[^1] == 0)
        {
            throw new ArgumentException($"GumbelMax: '{name}' (shape {ShapeUtil.Format(logits.Shape())}) needs a last dimension of categories.", name);
        }
    }
}
