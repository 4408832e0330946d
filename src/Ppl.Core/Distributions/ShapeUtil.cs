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
    public static long[] Broadcast(ReadOnlySpan<long> a, ReadOnlySpan<long> b) =>
        TryBroadcast(a, b, out var result, out _)
            ? result
            : throw new ArgumentException($"Shapes {Format(a)} and {Format(b)} do not broadcast.");

    /// <summary>NumPy broadcasting of two shapes; on failure, <paramref name="conflict"/> is the first (negative) dim, from the right, whose sizes differ and neither is 1.</summary>
    public static bool TryBroadcast(ReadOnlySpan<long> a, ReadOnlySpan<long> b, out long[] result, out int conflict)
    {
        int n = Math.Max(a.Length, b.Length);
        result = new long[n];
        conflict = 0;
        for (int i = 1; i <= n; i++)
        {
            long x = i <= a.Length ? a[^i] : 1;
            long y = i <= b.Length ? b[^i] : 1;
            if (x != y && x != 1 && y != 1)
            {
                conflict = -i;
                result = [];
                return false;
            }

            result[n - i] = x == 1 ? y : x;
        }

        return true;
    }

    /// <summary>
    /// True when <paramref name="value"/> broadcasts to <paramref name="target"/> without adding or
    /// growing dims: no more dims, and each size 1 or equal to the target's (right-aligned).
    /// </summary>
    public static bool BroadcastsInto(ReadOnlySpan<long> value, ReadOnlySpan<long> target)
    {
        if (value.Length > target.Length)
        {
            return false;
        }

        for (int i = 1; i <= value.Length; i++)
        {
            if (value[^i] != 1 && value[^i] != target[^i])
            {
                return false;
            }
        }

        return true;
    }
}
