using static TorchSharp.torch;

namespace Ppl.Causal.Invariance;

/// <summary>
/// The data of one environment for <see cref="InvariantRiskMinimization"/>: inputs [n, …] and binary
/// labels [n] in {0, 1}, float. Its name names the environment's plate and sites.
/// </summary>
/// <param name="Name">The environment's name, unique among those fitted together.</param>
/// <param name="Inputs">What the network reads, [n, …].</param>
/// <param name="Labels">The labels, [n], 0 or 1.</param>
public sealed record TrainingEnvironment(string Name, Tensor Inputs, Tensor Labels)
{
    /// <summary>Examples in the environment.</summary>
    public long Count => Labels.shape[0];

    /// <exception cref="ArgumentException">The name is empty, the labels are not [n] matching the inputs' first dimension, or not floating point.</exception>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Name);
        ArgumentNullException.ThrowIfNull(Inputs);
        ArgumentNullException.ThrowIfNull(Labels);
        if (Labels.dim() != 1 || Inputs.dim() < 1 || Inputs.shape[0] != Labels.shape[0])
        {
            throw new ArgumentException($"Environment '{Name}': labels must be [n] with n the inputs' first dimension; got inputs [{string.Join(", ", Inputs.shape)}] and labels [{string.Join(", ", Labels.shape)}].");
        }

        if (!Labels.is_floating_point())
        {
            throw new ArgumentException($"Environment '{Name}': labels must be floating point 0/1 (a Bernoulli observation); got {Labels.dtype}. Convert with labels.to(float32).");
        }
    }
}
