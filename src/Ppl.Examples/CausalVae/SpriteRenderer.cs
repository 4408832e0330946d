using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples.CausalVae;

/// <summary>
/// Draws dSprites-style 64 × 64 binary images from factor values, as tensor ops on the factors'
/// device (a batch at a time, so the 737,280-unit grid is rendered in chunks or on the fly).
/// </summary>
/// <remarks>
/// The definition (docs/examples/causal-vae.md, "The data"): the image is the unit square, pixel
/// (row i, column j) is the point ((j + ½)/64, (i + ½)/64) with rows growing downwards, and a pixel is
/// 1 when that point lies inside the shape. The shape's centre is
/// (<see cref="Margin"/> + posX·(1 − 2·<see cref="Margin"/>), <see cref="Margin"/> + posY·(1 − 2·<see cref="Margin"/>))
/// (posY = 0 at the top); a point p is taken into the shape's own frame by
/// (u, v) = R(−θ)·(pₓ − cₓ, c_y − p_y) / (<see cref="HalfSize"/>·scale) (v up, θ counter-clockwise),
/// and is inside when max(|u|, |v|) ≤ 1 (square), u² + (v/½)² ≤ 1 (ellipse), or, with
/// x = 1.15u and y = 1.15v + 0.12, (x² + y² − 1)³ − x²y³ ≤ 0 (heart, point down at θ = 0).
/// Every shape at scale 1 and any angle stays within <see cref="Margin"/> of its centre, so no
/// position clips it.
/// </remarks>
public static class SpriteRenderer
{
    /// <summary>Image side in pixels.</summary>
    public const int Side = 64;

    /// <summary>Half the side of the square at scale 1, in image units.</summary>
    public const double HalfSize = 0.15;

    /// <summary>The distance from the image's edge to the outermost centre, in image units (√2 · <see cref="HalfSize"/> &lt; it).</summary>
    public const double Margin = 0.22;

    private const int Chunk = 1024;

    /// <summary>The images [n, 64, 64] (float32, 0 or 1) of grid units given by their factor indices [n, 5] (see <see cref="SpriteGrid"/>).</summary>
    public static Tensor Render(Tensor factorIndices)
    {
        ArgumentNullException.ThrowIfNull(factorIndices);
        if (factorIndices.dim() != 2 || factorIndices.shape[1] != SpriteGrid.Sizes.Count)
        {
            throw new ArgumentException($"SpriteRenderer.Render: expected factor indices of shape [n, {SpriteGrid.Sizes.Count}] (shape, scale, orientation, posX, posY), got [{string.Join(", ", factorIndices.shape)}].", nameof(factorIndices));
        }

        using var scope = NewDisposeScope();
        var (scale, orientation, posX, posY) = SpriteGrid.Values(factorIndices);
        return RenderValues(factorIndices[.., 0], scale, orientation, posX, posY).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The images [n, 64, 64] (float32, 0 or 1) of sprites with any factor values: shape indices
    /// (int64, <see cref="SpriteShape"/>), scale (positive), orientation (radians), posX and posY in [0, 1];
    /// each a vector of length n on one device.
    /// </summary>
    public static Tensor RenderValues(Tensor shape, Tensor scale, Tensor orientation, Tensor posX, Tensor posY)
    {
        Tensor[] factors = [shape, scale, orientation, posX, posY];
        long n = shape.shape.Length == 1 ? shape.shape[0] : -1;
        if (factors.Any(t => t.dim() != 1 || t.shape[0] != n))
        {
            throw new ArgumentException($"SpriteRenderer.RenderValues: shape, scale, orientation, posX and posY must be vectors of one length; got shapes {string.Join(", ", factors.Select(t => "[" + string.Join(", ", t.shape) + "]"))}.");
        }

        if (shape.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"SpriteRenderer.RenderValues: shape must hold int64 SpriteShape indices, got {shape.dtype}.", nameof(shape));
        }

        if (n > 0 && shape.device_type != DeviceType.META && (shape.min().item<long>() < 0 || shape.max().item<long>() > (long)SpriteShape.Heart))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), "SpriteRenderer.RenderValues: shape indices must be 0 (square), 1 (ellipse) or 2 (heart).");
        }

        var chunks = new List<Tensor>();
        for (long start = 0; start < n; start += Chunk)
        {
            long length = Math.Min(Chunk, n - start);
            chunks.Add(RenderChunk(
                shape.narrow(0, start, length), scale.narrow(0, start, length), orientation.narrow(0, start, length),
                posX.narrow(0, start, length), posY.narrow(0, start, length)));
        }

        return n == 0 ? zeros(0, Side, Side, device: shape.device) : chunks.Count == 1 ? chunks[0] : cat(chunks, 0);
    }

    private static Tensor RenderChunk(Tensor shape, Tensor scale, Tensor orientation, Tensor posX, Tensor posY)
    {
        using var scope = NewDisposeScope();
        var device = shape.device;
        // pixel centres: x along columns, y along rows (downwards), [1, 64, 64] each
        var centres = arange(Side, dtype: ScalarType.Float64, device: device).add(0.5).div(Side);
        var px = centres.view(1, 1, Side);
        var py = centres.view(1, Side, 1);
        double span = 1 - (2 * Margin);
        var cx = posX.to(ScalarType.Float64).mul(span).add(Margin).view(-1, 1, 1);
        var cy = posY.to(ScalarType.Float64).mul(span).add(Margin).view(-1, 1, 1);
        var size = scale.to(ScalarType.Float64).mul(HalfSize).view(-1, 1, 1);
        var theta = orientation.to(ScalarType.Float64).view(-1, 1, 1);
        var cos = theta.cos();
        var sin = theta.sin();
        var dx = px.sub(cx);
        var dy = cy.sub(py); // up is positive
        var u = cos.mul(dx).add(sin.mul(dy)).div(size);
        var v = cos.mul(dy).sub(sin.mul(dx)).div(size);

        var square = maximum(u.square(), v.square()).le(1); // max(|u|, |v|) ≤ 1 (abs has no meta kernel)
        var ellipse = u.square().add(v.mul(2).square()).le(1);
        var x = u.mul(1.15);
        var y = v.mul(1.15).add(0.12);
        var x2 = x.square();
        var heart = x2.add(y.square()).sub(1).pow(3).sub(x2.mul(y.pow(3))).le(0);

        // each mask kept only for its own shape (products of 0/1 floats: meta has kernels for them, not for where)
        var kind = shape.view(-1, 1, 1);
        Tensor Only(Tensor mask, SpriteShape which) => mask.to(ScalarType.Float32).mul(kind.eq((long)which).to(ScalarType.Float32));
        return Only(square, SpriteShape.Square).add(Only(ellipse, SpriteShape.Ellipse)).add(Only(heart, SpriteShape.Heart)).MoveToOuterDisposeScope();
    }
}
