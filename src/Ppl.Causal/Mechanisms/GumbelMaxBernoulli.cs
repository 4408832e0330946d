using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// The Gumbel-max mechanism for a binary variable with logit ℓ: X = 1[ℓ + L &gt; 0] with
/// L ~ Logistic(0, 1). It is the two-category <see cref="GumbelMax"/> mechanism with logits [0, ℓ]
/// written through the noise difference L = g₁ − g₀, so one noise value per variable suffices.
/// The noise posterior given X is a logistic truncated to (−ℓ, ∞) (X = 1) or (−∞, −ℓ] (X = 0),
/// sampled exactly by inverse CDF. Logits may be ±∞ as long as the observation stays possible.
/// </summary>
public static class GumbelMaxBernoulli
{
    /// <summary>The mechanism 1[<paramref name="logit"/> + <paramref name="noise"/> &gt; 0] as 0/1 in the floating dtype of the sum.</summary>
    /// <param name="logit">Logits ℓ (log-odds of X = 1).</param>
    /// <param name="noise">Logistic noise broadcastable with <paramref name="logit"/>.</param>
    /// <returns>0/1 values, shape = broadcast of both shapes.</returns>
    public static Tensor Apply(Tensor logit, Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(logit);
        ArgumentNullException.ThrowIfNull(noise);
        _ = Broadcast(logit.Shape(), noise.Shape(), "noise", nameof(noise));
        using var scope = NewDisposeScope();
        var sum = logit.add(noise);
        return sum.gt(0).to(sum.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Standard Logistic(0, 1) noise log u − log(1 − u), shape <c>sampleShape + logit.Shape()</c>, dtype and device of <paramref name="logit"/>.</summary>
    /// <param name="logit">Logits whose shape, dtype and device the noise takes (values are not read).</param>
    /// <param name="sampleShape">Leading sample dimensions (none when null).</param>
    /// <param name="generator">Random generator (the default one when null).</param>
    public static Tensor SamplePrior(Tensor logit, long[]? sampleShape = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(logit);
        using var scope = NewDisposeScope();
        var u = Kernels.OpenUniform([.. sampleShape ?? [], .. logit.Shape()], logit.dtype, logit.device, generator);
        return u.log().sub(u.neg().log1p()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Exact draws of L given <paramref name="observed"/> = 1[ℓ + L &gt; 0]: Logistic(0, 1) truncated to
    /// (−ℓ, ∞) for 1 and to (−∞, −ℓ] for 0. With s = 2x − 1 and a = sℓ, L = s·T where T is a logistic
    /// truncated to (−a, ∞): its survival V = 1 − σ(T) is uniform on (0, σ(a)), so
    /// T = log(1 − V) − log V with log V = log u + log σ(a), evaluated as log(−expm1(log V)) − log V.
    /// </summary>
    /// <param name="logit">Factual logits ℓ.</param>
    /// <param name="observed">Observed values 0 or 1, broadcastable with <paramref name="logit"/>.</param>
    /// <param name="sampleShape">Leading sample dimensions (none when null).</param>
    /// <param name="generator">Random generator (the default one when null).</param>
    /// <returns>Noise of shape <c>sampleShape + broadcast(logit.Shape(), observed.Shape())</c>.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or (validation on, not meta) an observation is not 0/1 or has probability 0.</exception>
    public static Tensor SamplePosterior(Tensor logit, Tensor observed, long[]? sampleShape = null, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var (sign, logProbObserved, shape) = Prepare(logit, observed, nameof(SamplePosterior));
        var a = sign.mul(logit);
        var u = Kernels.OpenUniform([.. sampleShape ?? [], .. shape], logit.dtype, logit.device, generator);
        var logV = u.log().add(logProbObserved);
        var t = logV.expm1().neg().log().sub(logV);

        // rounding can land T on the truncation point −a itself, where X = 1 would not reproduce:
        // keep it strictly inside (the meta device has no values, so nothing to guard there)
        if (!Kernels.IsMeta(logit))
        {
            var inside = a.neg().nextafter(torch.full([], double.PositiveInfinity, dtype: logit.dtype, device: logit.device));
            t = t.maximum(inside);
        }

        return sign.mul(t).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Log-density of the noise posterior at <paramref name="noise"/>: log Logistic(L) − log σ(sℓ) where
    /// 1[ℓ + L &gt; 0] equals the observation, −∞ elsewhere.
    /// </summary>
    /// <param name="logit">Factual logits ℓ.</param>
    /// <param name="observed">Observed values 0 or 1, broadcastable with <paramref name="logit"/>.</param>
    /// <param name="noise">Noise values broadcastable with both.</param>
    /// <returns>Log-densities, shape = broadcast of all three shapes.</returns>
    public static Tensor PosteriorLogProb(Tensor logit, Tensor observed, Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(noise);
        using var scope = NewDisposeScope();
        var (_, logProbObserved, shape) = Prepare(logit, observed, nameof(PosteriorLogProb));
        _ = Broadcast(shape, noise.Shape(), "noise", nameof(noise));
        var logDensity = noise.neg().sub(Kernels.Softplus(noise.neg()).mul(2));
        var misses = Apply(logit, noise).ne(observed);
        return logDensity.sub(logProbObserved).masked_fill(misses, double.NegativeInfinity).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Counterfactual values: noise from the posterior given <paramref name="observed"/> under
    /// <paramref name="factualLogit"/>, pushed through the mechanism with <paramref name="counterfactualLogit"/>.
    /// </summary>
    /// <param name="factualLogit">Logits of the factual world.</param>
    /// <param name="observed">Observed factual values 0 or 1.</param>
    /// <param name="counterfactualLogit">Logits of the counterfactual world, broadcastable with the noise.</param>
    /// <param name="sampleShape">Leading sample dimensions (none when null).</param>
    /// <param name="generator">Random generator (the default one when null).</param>
    /// <returns>0/1 values of shape <c>sampleShape + broadcast shape</c>.</returns>
    public static Tensor Counterfactual(Tensor factualLogit, Tensor observed, Tensor counterfactualLogit, long[]? sampleShape = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(counterfactualLogit);
        using var scope = NewDisposeScope();
        var noise = SamplePosterior(factualLogit, observed, sampleShape, generator);
        return Apply(counterfactualLogit, noise).MoveToOuterDisposeScope();
    }

    /// <summary>Returns s = 2x − 1 (dtype of the logit), log σ(sℓ) = log P(X = x) and the broadcast shape, after validating the observation.</summary>
    private static (Tensor Sign, Tensor LogProbObserved, long[] Shape) Prepare(Tensor logit, Tensor observed, string caller)
    {
        ArgumentNullException.ThrowIfNull(logit);
        ArgumentNullException.ThrowIfNull(observed);
        long[] shape = Broadcast(logit.Shape(), observed.Shape(), "observed", nameof(observed));
        var sign = observed.to(logit.dtype).mul(2).sub(1);
        var logProbObserved = MechanismNoise.LogSigmoid(sign.mul(logit));
        if (MechanismNoise.ShouldValidate(logit) && MechanismNoise.ShouldValidate(observed))
        {
            bool binary = observed.eq(0).logical_or(observed.eq(1)).all().item<bool>();
            if (!binary)
            {
                throw new ArgumentException(
                    $"GumbelMaxBernoulli.{caller}: observed (shape {ShapeUtil.Format(observed.Shape())}) must hold only 0 and 1.",
                    nameof(observed));
            }

            if (!logProbObserved.gt(double.NegativeInfinity).all().item<bool>())
            {
                throw new ArgumentException(
                    $"GumbelMaxBernoulli.{caller}: observed (shape {ShapeUtil.Format(observed.Shape())}) includes a value of probability 0 under logit (shape {ShapeUtil.Format(logit.Shape())}), i.e. 1 with logit −∞, 0 with logit +∞, or a NaN logit.",
                    nameof(observed));
            }
        }

        return (sign, logProbObserved, shape);
    }

    private static long[] Broadcast(long[] a, long[] b, string what, string parameter)
    {
        try
        {
            return ShapeUtil.Broadcast(a, b);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"GumbelMaxBernoulli: {what} (shape {ShapeUtil.Format(b)}) does not broadcast with shape {ShapeUtil.Format(a)}.", parameter, e);
        }
    }
}
