using static TorchSharp.torch;

namespace Ppl.Causal.Invariance;

/// <summary>
/// IRMv1's invariance penalty (Arjovsky, Bottou, Gulrajani &amp; Lopez-Paz 2019): in one environment,
/// the squared gradient of the risk with respect to a scalar "dummy classifier" w multiplying the
/// representation's logits, at w = 1. It is 0 exactly when w = 1 is already optimal for that
/// environment, i.e. when the representation's classifier needs no environment-specific rescaling.
/// </summary>
public static class InvariancePenalty
{
    /// <summary>
    /// ‖∂/∂w R(w · <paramref name="logits"/>) at w = 1‖² for any <paramref name="risk"/> of the scaled
    /// logits, differentiable in turn (the gradient is taken with <c>create_graph</c>), so training can
    /// descend on it.
    /// </summary>
    /// <param name="logits">The environment's logits, any shape; they carry the network's graph.</param>
    /// <param name="risk">The environment's risk of scaled logits, a scalar.</param>
    /// <exception cref="ArgumentException">The risk is not a scalar.</exception>
    public static Tensor Irmv1(Tensor logits, Func<Tensor, Tensor> risk)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(risk);
        using var gradients = enable_grad(); // the penalty is a gradient, also where the caller has switched gradients off
        var dummy = ones([], dtype: logits.dtype, device: logits.device).requires_grad_(true);
        var value = risk(logits.mul(dummy));
        if (value.numel() != 1)
        {
            throw new ArgumentException($"InvariancePenalty.Irmv1: the risk must be a scalar; it has shape [{string.Join(", ", value.shape)}]. Average it over the environment's examples.", nameof(risk));
        }

        if (!value.requires_grad)
        {
            // libtorch would abort the process rather than throw
            throw new ArgumentException("InvariancePenalty.Irmv1: the risk does not depend on the scaled logits it is given (no gradient flows); compute it from them without detaching.", nameof(risk));
        }

        var gradient = autograd.grad([value], [dummy], retain_graph: true, create_graph: true)[0]; // TorchSharp does not default retain_graph to create_graph as PyTorch does
        return gradient.square().sum();
    }

    /// <summary>
    /// The same penalty for the mean binary cross-entropy with logits in closed form:
    /// (mean((σ(f) − y) · f))², since ∂/∂w BCE(w f, y) at w = 1 is (σ(f) − y) f.
    /// </summary>
    /// <param name="logits">The environment's logits.</param>
    /// <param name="labels">Its labels in {0, 1}, the logits' shape.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor LogisticIrmv1(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        CheckSameShape(logits, labels, nameof(LogisticIrmv1));
        return logits.sigmoid().sub(labels).mul(logits).mean().square();
    }

    /// <summary>The mean binary cross-entropy of <paramref name="labels"/> in {0, 1} under <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor LogisticRisk(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        CheckSameShape(logits, labels, nameof(LogisticRisk));
        return nn.functional.binary_cross_entropy_with_logits(logits, labels);
    }

    private static void CheckSameShape(Tensor logits, Tensor labels, string site)
    {
        if (!logits.shape.SequenceEqual(labels.shape))
        {
            throw new ArgumentException($"InvariancePenalty.{site}: logits [{string.Join(", ", logits.shape)}] and labels [{string.Join(", ", labels.shape)}] must have the same shape; reshape the labels (e.g. labels.reshape(logits.shape)) rather than rely on broadcasting.");
        }
    }
}
