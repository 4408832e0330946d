using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>
/// One reparameterized normal draw for several same-shaped sites: one stack of locations, one
/// standard draw, one affine map, one unbind, made when the first member site draws and shared
/// out row by row (each TorchSharp op costs microseconds however small its tensors, so per-site
/// draws dominate guides of many scalar sites). The rows are the same formula as a Normal's
/// rsample, loc + standard draw · scale; they reach the sites through the sites' own default
/// draws (<see cref="Primitives.Sample(string, Distributions.Distribution, Func{Tensor})"/>).
/// </summary>
/// <param name="locs">The members' locations, in member order.</param>
/// <param name="scales">The members' scales stacked (already checked positive and finite).</param>
internal sealed class GroupedNormalDraw(IReadOnlyList<Tensor> locs, Tensor scales)
{
    private static readonly Scalar One = 1.0.ToScalar();
    private Tensor[]? _rows;

    /// <summary>Member <paramref name="k"/>'s draw (the group is drawn at the first call).</summary>
    public Tensor Row(int k) => (_rows ??= Draw())[k];

    private Tensor[] Draw()
    {
        var stacked = stack(locs);
        return stacked.addcmul(randn(stacked.Shape(), dtype: stacked.dtype, device: stacked.device), scales, One).unbind(0);
    }
}
