namespace Ppl.Inference.Mcmc;

/// <summary>Adapters between one chain's potential and a batch of chains'.</summary>
internal static class Batches
{
    /// <summary>A single-chain potential as a batch of one, or of several evaluated in turn.</summary>
    public static BatchPotentialFunction Of(PotentialFunction potential) => positions =>
    {
        var energies = new double[positions.Length];
        var gradients = new double[positions.Length][];
        for (int c = 0; c < positions.Length; c++)
        {
            (energies[c], gradients[c]) = potential(positions[c]);
        }

        return (energies, gradients);
    };

    /// <summary>Chain <paramref name="chain"/> of a batch, the others held at <paramref name="others"/>.</summary>
    public static PotentialFunction Chain(BatchPotentialFunction potential, int chain, double[][] others) => position =>
    {
        var positions = (double[][])others.Clone();
        positions[chain] = position;
        var (energies, gradients) = potential(positions);
        return (energies[chain], gradients[chain]);
    };
}
