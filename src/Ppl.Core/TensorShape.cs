using static TorchSharp.torch;

namespace Ppl;

/// <summary>Shape queries that avoid TorchSharp's slow path.</summary>
internal static class TensorShape
{
    /// <summary>
    /// The sizes of <paramref name="t"/>, as TorchSharp's <c>shape</c> gives them. That property
    /// marshals the sizes through a native allocation callback (1–3 µs per read), while
    /// <c>dim()</c> and <c>size(i)</c> are plain native calls (tens of nanoseconds); shapes are read
    /// for every distribution and site, so the difference is a measurable share of an SVI step.
    /// </summary>
    public static long[] Shape(this Tensor t)
    {
        int n = (int)t.dim();
        if (n == 0)
        {
            return [];
        }

        var sizes = new long[n];
        for (int i = 0; i < n; i++)
        {
            sizes[i] = t.size(i);
        }

        return sizes;
    }
}
