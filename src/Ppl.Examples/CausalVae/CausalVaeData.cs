using static TorchSharp.torch;

namespace Ppl.Examples.CausalVae;

/// <summary>
/// The causal VAE's training and held-out units, both drawn from the SCM. The grid is finite, so a
/// draw for training can land on a held-out unit's cell; those draws are dropped (and replaced by
/// further draws), so no held-out image is ever trained on.
/// </summary>
internal static class CausalVaeData
{
    /// <summary>
    /// <paramref name="testCount"/> held-out units, then <paramref name="trainCount"/> training units
    /// from the SCM whose grid cells are none of the held-out ones; factor indices [n, 5] on the CPU.
    /// </summary>
    public static (Tensor Train, Tensor Test) Split(int trainCount, int testCount, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(testCount, 1);
        using var scope = NewDisposeScope();
        var test = SpriteScm.Sample(testCount, new Generator((ulong)seed + 1));
        var heldOut = zeros(SpriteGrid.Count, dtype: ScalarType.Bool);
        heldOut.index_put_(tensor(true), SpriteGrid.UnitIndices(test));

        var generator = new Generator((ulong)seed);
        var parts = new List<Tensor>();
        long have = 0;
        while (have < trainCount)
        {
            var draws = SpriteScm.Sample(trainCount - have, generator);
            var kept = draws[heldOut.index(TensorIndex.Tensor(SpriteGrid.UnitIndices(draws))).logical_not()];
            parts.Add(kept);
            have += kept.shape[0];
        }

        var train = cat(parts, 0)[..trainCount];
        return (train.MoveToOuterDisposeScope(), test.MoveToOuterDisposeScope());
    }
}
