using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// Turns site values of many draws into tensors with a leading sample dim, the layout
/// <see cref="Predictive{TArgs}"/> and <see cref="Importance{TArgs}"/> return.
/// </summary>
internal static class SampleStacking
{
    /// <summary>The value shape of each of <paramref name="sites"/> in a plain (one-draw) run, as plain C# data that outlives the run's scope.</summary>
    public static Dictionary<string, long[]> PlainShapes(IEnumerable<Site> sites) =>
        sites.ToDictionary(s => s.Name, s => s.Value!.Shape(), StringComparer.Ordinal);

    /// <summary>
    /// A value from a run inside the outer sample plate, reshaped to <c>[numSamples, ..plainShape]</c>:
    /// the plate puts the sample dim left of the site's batch dims, padded with singleton dims up
    /// to the plate nesting; a value that does not depend on the draw (data, constants) is
    /// expanded along the sample dim.
    /// </summary>
    /// <exception cref="InvalidOperationException">The value does not have the plain run's shape with a sample dim in front.</exception>
    public static Tensor ToSampleLeading(string name, Tensor value, long[] plainShape, int numSamples)
    {
        long[] shape = value.Shape();
        int k = plainShape.Length;
        if (shape.Length >= k && shape.AsSpan(shape.Length - k).SequenceEqual(plainShape))
        {
            long lead = 1;
            for (int d = 0; d < shape.Length - k; d++)
            {
                lead *= shape[d];
            }

            if (lead == numSamples)
            {
                return value.reshape([numSamples, .. plainShape]);
            }

            if (lead == 1)
            {
                return value.reshape(plainShape).expand([numSamples, .. plainShape]).contiguous();
            }
        }

        throw new InvalidOperationException(
            $"Site '{name}' has shape {Format(shape)} in the vectorized run but {Format(plainShape)} in a plain run; "
            + $"expected {numSamples} draws left of the plain shape. Declare the site's batch dims with plates, or run sequentially.");
    }

    /// <summary>
    /// Stacks per-draw values along a new leading dim.
    /// </summary>
    /// <exception cref="InvalidOperationException">Draws of the site differ in shape.</exception>
    public static Tensor Stack(string name, List<Tensor> draws)
    {
        var first = draws[0].Shape();
        var odd = draws.FirstOrDefault(d => !d.Shape().SequenceEqual(first));
        if (odd is not null)
        {
            throw new InvalidOperationException(
                $"Site '{name}' changes shape between draws ({Format(first)} and {Format(odd.Shape())}); its draws cannot be stacked.");
        }

        return torch.stack(draws, 0);
    }

    /// <summary>
    /// Keeps <paramref name="value"/> past the current (per-draw) dispose scope: an alias moved to
    /// the enclosing scope, so a user's own tensor (an observation) is never adopted by ours.
    /// </summary>
    public static Tensor Keep(Tensor value) => value.alias().MoveToOuterDisposeScope();

    private static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
