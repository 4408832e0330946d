using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// How the particles of one ELBO estimate are laid out: <see cref="Count"/> draws, either in
/// one run along a batch dim (<see cref="Dim"/>) or one run per particle (<see cref="Dim"/> null).
/// </summary>
/// <param name="Count">Particles in this run (1 for a sequential run).</param>
/// <param name="Dim">The (negative) batch dim of the particle plate, or null.</param>
public sealed record ParticleLayout(int Count, int? Dim)
{
    /// <summary>One particle, no particle dim.</summary>
    public static readonly ParticleLayout One = new(1, null);

    /// <summary>
    /// Sums <paramref name="logProb"/> over every dim except the particle dim, giving shape
    /// <c>[Count]</c> when vectorized and <c>[]</c> otherwise. A term without the particle dim
    /// is the same for every particle and is broadcast.
    /// </summary>
    public Tensor PerParticle(Tensor logProb)
    {
        ArgumentNullException.ThrowIfNull(logProb);
        if (Dim is not int dim)
        {
            return logProb.dim() == 0 ? logProb : logProb.sum(); // a 0-dim sum would only add a graph node
        }

        long axis = logProb.dim() + dim;
        if (axis < 0)
        {
            return logProb.sum().expand(Count);
        }

        var others = Enumerable.Range(0, (int)logProb.dim()).Where(d => d != axis).Select(d => (long)d).ToArray();
        var summed = others.Length == 0 ? logProb : logProb.sum(others);
        return summed.expand(Count);
    }
}
