namespace Ppl.Distributions;

/// <summary>Shape helpers shared by distributions, plates and traces.</summary>
public static class ShapeUtil
{
    /// <summary>Formats a shape as <c>[2, 3]</c>.</summary>
    public static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>True when both shapes have the same sizes.</summary>
    public static bool SameShape(ReadOnlySpan<long> a, ReadOnlySpan<long> b) => a.SequenceEqual(b);

    /// <summary>NumPy broadcasting of two shapes.</summary>
    /// <exception cref="ArgumentException">The shapes cannot broadcast.</exception>
    public static long[] Broadcast(ReadOnlySpan<long> a, ReadOnlySpan<long> b)
    {
        int n = Math.Max(a.Length, b.Length);
        var result = new long[n];
        for (int i = 1; i <= n; i++)
        {
            long x = i <= a.Length ? a[^i] : 1;
            long y = i <= b.Length ? b[^i] : 1;
            if (x != y && x != 1 && y != 1)
            {
                throw new ArgumentException($"Shapes {Format(a)} and {Format(b)} do not broadcast.");
            }

            result[n - i] = x == 1 ? y : x;
        }

        return result;
    }
}
