using System.Globalization;
using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// Formats a tensor's values for people: a number for a 0-dim tensor, a bracketed list of a bounded
/// number of values otherwise, always with the invariant culture (a dot for the decimal point,
/// whatever the machine's locale). TorchSharp's own <c>ToString()</c> prints only the tensor's
/// metadata (<c>[3], type = Float32, device = cpu</c>); use these (or <c>t.item&lt;float&gt;()</c>
/// for a 0-dim tensor) to see numbers.
/// </summary>
/// <example><code>
/// Console.WriteLine(TensorFormat.Values(torch.arange(10)));            // [0, 1, 2, …, 7, 8, 9]
/// Console.WriteLine(TensorFormat.Values(torch.tensor(2.0 / 3)));        // 0.6667
/// </code></example>
public static class TensorFormat
{
    /// <summary>The default number of values shown before the rest is elided.</summary>
    public const int DefaultMaxValues = 6;

    /// <summary>
    /// The values of <paramref name="t"/> in row-major order: a single number when it has one
    /// element, otherwise <c>[a, b, …, y, z]</c> with at most <paramref name="maxValues"/> values
    /// (the first and the last ones). Only those values are copied to the host. A tensor on the meta
    /// device has no values: its shape is shown instead.
    /// </summary>
    /// <param name="t">The tensor.</param>
    /// <param name="maxValues">At most this many values are shown (at least 2).</param>
    /// <param name="significantDigits">Significant digits of floating-point values.</param>
    public static string Values(Tensor t, int maxValues = DefaultMaxValues, int significantDigits = 4)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxValues, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(significantDigits, 1);
        if (t.device.type == DeviceType.META)
        {
            return $"(meta tensor of shape {ShapeUtil.Format(t.shape)})";
        }

        if (t.is_complex())
        {
            return $"(complex tensor of shape {ShapeUtil.Format(t.shape)})";
        }

        long count = t.numel();
        if (count == 0)
        {
            return "[]";
        }

        using var scope = NewDisposeScope();
        var flat = t.detach().reshape(-1);
        int head = count <= maxValues ? (int)count : (maxValues + 1) / 2;
        int tail = count <= maxValues ? 0 : maxValues - head;
        var shown = tail == 0 ? flat : cat([flat.narrow(0, 0, head), flat.narrow(0, count - tail, tail)], 0);
        var text = Strings(shown, significantDigits);
        if (t.dim() == 0)
        {
            return text[0];
        }

        var items = tail == 0 ? text : [.. text.Take(head), "…", .. text.Skip(head)];
        return "[" + string.Join(", ", items) + "]";
    }

    /// <summary>A number with <paramref name="significantDigits"/> significant digits in the invariant culture (<c>NaN</c>, <c>∞</c>, <c>-∞</c> for the special values).</summary>
    public static string Number(double value, int significantDigits = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(significantDigits, 1);
        if (double.IsPositiveInfinity(value))
        {
            return "∞";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-∞";
        }

        return value.ToString("G" + significantDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>The values of a flat tensor as strings: integers and booleans exactly, floating point values rounded.</summary>
    internal static string[] Strings(Tensor flat, int significantDigits)
    {
        if (flat.is_complex())
        {
            return [.. Enumerable.Repeat("(complex)", (int)flat.numel())];
        }

        if (flat.dtype == ScalarType.Bool)
        {
            return [.. flat.cpu().data<bool>().ToArray().Select(b => b ? "true" : "false")];
        }

        if (flat.is_floating_point())
        {
            return [.. flat.to(ScalarType.Float64).cpu().data<double>().ToArray().Select(v => Number(v, significantDigits))];
        }

        return [.. flat.to(ScalarType.Int64).cpu().data<long>().ToArray().Select(v => v.ToString(CultureInfo.InvariantCulture))];
    }
}
