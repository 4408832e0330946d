using Ppl.Distributions.Transforms;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions.Transforms;

/// <summary>
/// A transform with a way to draw points of its domain and to read the free coordinates of its
/// inputs and outputs, so the Jacobian can be built by autograd. Elementwise transforms need no
/// projection; stick-breaking reads the first K − 1 outputs; matrix maps read the lower triangle.
/// </summary>
/// <param name="Name">Display name.</param>
/// <param name="Make">Builds the transform for a device and dtype.</param>
/// <param name="DrawDomain">Draws a batch [4, …] of points in the domain.</param>
/// <param name="InputCoordinates">Maps x (or its gradient) to [4, free input coordinates]; null for elementwise.</param>
/// <param name="OutputCoordinates">Maps y to [4, free output coordinates]; null for elementwise.</param>
public sealed record TransformCase(
    string Name,
    Func<Device, ScalarType, Transform> Make,
    Func<Device, ScalarType, Generator, Tensor> DrawDomain,
    Func<Tensor, Tensor>? InputCoordinates = null,
    Func<Tensor, Tensor>? OutputCoordinates = null)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
