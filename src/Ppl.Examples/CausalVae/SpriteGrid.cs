using static TorchSharp.torch;

namespace Ppl.Examples.CausalVae;

/// <summary>
/// The dSprites factor grid: shape (3) × scale (6 values evenly from 0.5 to 1) × orientation (40
/// values evenly from 0 to 2π, both ends included, as dSprites has them) × posX (32 values evenly
/// from 0 to 1) × posY (32), every combination once: 737,280 units. A unit's index is the mixed-radix
/// number of its factor indices in that order (posY fastest), as dSprites orders its images.
/// </summary>
public static class SpriteGrid
{
    /// <summary>Values per factor, in the order shape, scale, orientation, posX, posY.</summary>
    public static IReadOnlyList<int> Sizes { get; } = [3, 6, 40, 32, 32];

    /// <summary>The factors' names in that order, which are also the causal VAE's label sites.</summary>
    public static IReadOnlyList<string> Names { get; } = ["shape", "scale", "orientation", "posX", "posY"];

    /// <summary>The number of units in the grid: 737,280.</summary>
    public static long Count => 3L * 6 * 40 * 32 * 32;

    private const double MinScale = 0.5;
    private const double ScaleStep = 0.5 / 5;
    private const double OrientationStep = 2 * Math.PI / 39;
    private const double PositionStep = 1.0 / 31;

    /// <summary>The scale of scale index <paramref name="k"/> (0–5): 0.5 + 0.1k.</summary>
    public static double Scale(long k) => MinScale + (k * ScaleStep);

    /// <summary>The orientation of orientation index <paramref name="k"/> (0–39): 2πk/39.</summary>
    public static double Orientation(long k) => k * OrientationStep;

    /// <summary>The position of position index <paramref name="k"/> (0–31): k/31.</summary>
    public static double Position(long k) => k * PositionStep;

    /// <summary>
    /// The factor values of factor indices [n, 5] as float64 vectors, the same numbers as
    /// <see cref="Scale"/>, <see cref="Orientation"/> and <see cref="Position"/> give one at a time.
    /// </summary>
    public static (Tensor Scale, Tensor Orientation, Tensor PosX, Tensor PosY) Values(Tensor factorIndices)
    {
        ArgumentNullException.ThrowIfNull(factorIndices);
        using var scope = NewDisposeScope();
        var f = factorIndices.to(ScalarType.Float64);
        var scale = f[.., 1].mul(ScaleStep).add(MinScale);
        var orientation = f[.., 2].mul(OrientationStep);
        var posX = f[.., 3].mul(PositionStep);
        var posY = f[.., 4].mul(PositionStep);
        return (scale.MoveToOuterDisposeScope(), orientation.MoveToOuterDisposeScope(), posX.MoveToOuterDisposeScope(), posY.MoveToOuterDisposeScope());
    }

    /// <summary>The factor indices [n, 5] (int64: shape, scale, orientation, posX, posY) of the units <paramref name="indices"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, <see cref="Count"/>).</exception>
    public static Tensor FactorIndices(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.dim() != 1 || indices.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"SpriteGrid.FactorIndices: expected a vector of int64 unit indices, got {indices.dtype} of shape [{string.Join(", ", indices.shape)}].", nameof(indices));
        }

        if (indices.numel() > 0 && (indices.min().item<long>() < 0 || indices.max().item<long>() >= Count))
        {
            throw new ArgumentOutOfRangeException(nameof(indices), $"SpriteGrid.FactorIndices: unit indices must lie in [0, {Count}).");
        }

        using var scope = NewDisposeScope();
        var columns = new Tensor[Sizes.Count];
        var rest = indices;
        for (int f = Sizes.Count - 1; f >= 0; f--)
        {
            columns[f] = rest.remainder(Sizes[f]);
            rest = rest.div(Sizes[f], rounding_mode: RoundingMode.floor);
        }

        return stack(columns, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The unit index of each row of factor indices [n, 5] (the inverse of <see cref="FactorIndices"/>).</summary>
    public static Tensor UnitIndices(Tensor factorIndices)
    {
        ArgumentNullException.ThrowIfNull(factorIndices);
        if (factorIndices.dim() != 2 || factorIndices.shape[1] != Sizes.Count)
        {
            throw new ArgumentException($"SpriteGrid.UnitIndices: expected factor indices of shape [n, {Sizes.Count}], got [{string.Join(", ", factorIndices.shape)}].", nameof(factorIndices));
        }

        using var scope = NewDisposeScope();
        var index = zeros(factorIndices.shape[0], dtype: ScalarType.Int64, device: factorIndices.device);
        for (int f = 0; f < Sizes.Count; f++)
        {
            index = index.mul(Sizes[f]).add(factorIndices[.., f]);
        }

        return index.MoveToOuterDisposeScope();
    }
}
