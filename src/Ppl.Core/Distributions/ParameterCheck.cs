using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The parameter checks the families share. Each decides the common, valid case with one
/// reduction and one read (validation runs for every distribution of every step); only when
/// that is inconclusive does the exact elementwise check run, and its message names the family,
/// the parameter, its shape and the first offending entries. Tensor checks never run while
/// validation is off or on the meta device (no values there); checks of <c>double</c>
/// parameters are managed and run everywhere, on the value the distribution's dtype holds.
/// </summary>
internal static class ParameterCheck
{
    /// <summary>How many offending entries (or rows) a message lists.</summary>
    private const int ShownEntries = 3;

    /// <summary>True when tensor checks run for <paramref name="value"/>: validation is on and the tensor has values.</summary>
    public static bool Applies(Tensor value) => Distribution.ValidationEnabled && value.device_type != DeviceType.META;

    /// <summary>Every entry is finite (no NaN, no ±∞).</summary>
    public static void Finite(string family, Tensor value, string parameter)
    {
        if (!Applies(value) || !value.is_floating_point())
        {
            return;
        }

        // the sum is finite when every entry is; a sum of finite entries that overflows goes to the exact check
        if (Sum(value) is double sum && double.IsFinite(sum))
        {
            return;
        }

        Exact(family, value, parameter, "finite", static v => v.isfinite());
    }

    /// <summary>Every entry lies in (0, ∞).</summary>
    public static void Positive(string family, Tensor value, string parameter)
    {
        if (!Applies(value) || MinMax(value) is (double min, double max) && min > 0 && max < double.PositiveInfinity)
        {
            return;
        }

        Exact(family, value, parameter, "positive and finite", static v => v.gt(0).logical_and(v.isfinite()));
    }

    /// <summary>Every entry lies in [0, ∞).</summary>
    public static void NonNegative(string family, Tensor value, string parameter)
    {
        if (!Applies(value) || MinMax(value) is (double min, double max) && min >= 0 && max < double.PositiveInfinity)
        {
            return;
        }

        Exact(family, value, parameter, "non-negative and finite", static v => v.ge(0).logical_and(v.isfinite()));
    }

    /// <summary>
    /// Every entry is at most +∞ in the sense that matters for a log-weight: not NaN and not +∞
    /// (−∞, a weight of zero, is allowed).
    /// </summary>
    public static void LogWeight(string family, Tensor value, string parameter)
    {
        if (!Applies(value) || !value.is_floating_point() || MinMax(value) is (_, double max) && max < double.PositiveInfinity)
        {
            return;
        }

        Exact(family, value, parameter, "a log-weight (not NaN, not +inf; -inf is a weight of 0)", static v => v.lt(double.PositiveInfinity));
    }

    /// <summary>No entry is NaN (±∞ allowed).</summary>
    public static void NotNaN(string family, Tensor value, string parameter)
    {
        if (!Applies(value) || !value.is_floating_point())
        {
            return;
        }

        // a NaN sum without a NaN entry (+∞ and −∞ together) goes to the exact check
        if (Sum(value) is double sum && !double.IsNaN(sum))
        {
            return;
        }

        Exact(family, value, parameter, "not NaN", static v => v.eq(v));
    }

    /// <summary>
    /// The category weights of a categorical family, given as <paramref name="parameter"/> (probs
    /// or logits) and already normalized to <paramref name="normalizedLogits"/> by
    /// <c>log_softmax</c>. The normalized logits are NaN exactly where the weights are unusable
    /// (a NaN, a +∞ or a negative weight, or a row without positive weight), so one sum decides
    /// the valid case; a failure is then diagnosed on the parameter itself.
    /// </summary>
    public static void CategoryWeights(string family, Tensor normalizedLogits, Tensor parameter, string name, bool isProbs)
    {
        if (!Applies(parameter) || Sum(normalizedLogits) is double sum && !double.IsNaN(sum))
        {
            return;
        }

        if (isProbs)
        {
            Exact(family, parameter, name, "non-negative and finite", static p => p.ge(0).logical_and(p.isfinite()));
            ExactRows(family, parameter, name, "a positive sum over the categories (the last dimension) in every row", "sum 0", static p => p.sum([-1L]).gt(0));
        }
        else
        {
            Exact(family, parameter, name, "below +inf and not NaN (-inf marks an impossible category)", static l => l.lt(double.PositiveInfinity));
            ExactRows(family, parameter, name, "a category above -inf in every row", "only -inf", static l => l.gt(double.NegativeInfinity).any(-1));
        }
    }

    /// <summary>
    /// Throws when <paramref name="ok"/>(<paramref name="value"/>) is false anywhere, listing the
    /// first offending entries when the result has the value's shape.
    /// </summary>
    public static void Exact(string family, Tensor value, string parameter, string requirement, Func<Tensor, Tensor> ok)
    {
        if (!Applies(value))
        {
            return;
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var holds = ok(value);
        if (holds.all().ToBoolean())
        {
            return;
        }

        string offending = ShapeUtil.SameShape(holds.Shape(), value.Shape()) && value.dtype != ScalarType.Bool ? OffendingEntries(value, holds) : "";
        throw Violation(family, value, parameter, "be " + requirement + offending);
    }

    /// <summary>
    /// Throws when the per-row result <paramref name="rowOk"/>(<paramref name="value"/>) (one
    /// entry per row, the last dimension reduced) is false anywhere, listing the first offending rows.
    /// </summary>
    public static void ExactRows(string family, Tensor value, string parameter, string requirement, string failure, Func<Tensor, Tensor> rowOk)
    {
        if (!Applies(value))
        {
            return;
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var holds = rowOk(value);
        if (holds.all().ToBoolean())
        {
            return;
        }

        string rows = holds.dim() == 0
            ? $", got {failure}"
            : ", got " + List(holds.logical_not(), (flat, index) => $"{failure} in row {index}", "row");
        throw Violation(family, value, parameter, "have " + requirement + rows);
    }

    /// <summary>
    /// Throws unless <paramref name="ok"/> holds for <paramref name="value"/> as a tensor of
    /// <paramref name="dtype"/> stores it: 1e-50 is a positive double but 0 in float32.
    /// </summary>
    public static void Scalar(string family, double value, ScalarType dtype, string parameter, string requirement, Func<double, bool> ok)
    {
        if (!Distribution.ValidationEnabled)
        {
            return;
        }

        double stored = InDType(value, dtype);
        if (ok(stored))
        {
            return;
        }

        string got = Format(value);
        if (!stored.Equals(value))
        {
            got += $", which is {Format(stored)} in {dtype}";
        }

        throw new ArgumentException($"{family}: parameter '{parameter}' (a double, shape []) must be {requirement}, got {got}.", parameter);
    }

    /// <summary>The value a tensor of <paramref name="dtype"/> holds for <paramref name="value"/>.</summary>
    public static double InDType(double value, ScalarType dtype)
    {
        switch (dtype)
        {
            case ScalarType.Float64:
                return value;
            case ScalarType.Float32:
                return (float)value;
            case ScalarType.Float16:
                return (double)(Half)value;
            default:
                // bfloat16 and integer dtypes: let LibTorch convert (a CPU scalar, not on any hot path)
                using (var t = torch.tensor(value, dtype: dtype, device: CPU))
                using (var d = t.to(ScalarType.Float64))
                {
                    return d.ToDouble();
                }
        }
    }

    /// <summary>A number as messages show it: NaN, inf, -inf or six significant digits.</summary>
    public static string Format(double value) => value switch
    {
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("G6", CultureInfo.InvariantCulture),
    };

    private static ArgumentException Violation(string family, Tensor value, string parameter, string predicate) =>
        new($"{family}: parameter '{parameter}' (shape {ShapeUtil.Format(value.Shape())}) must {predicate}.", parameter);

    /// <summary>
    /// The sum of the entries as a double: the entry itself for a single one (reading it costs a
    /// fraction of a reduction, and models of many scalar sites build many 0-dim parameters), else
    /// one reduction and one read; null for a dtype other than float32/float64.
    /// </summary>
    private static double? Sum(Tensor value)
    {
        if (value.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            return null;
        }

        return value.numel() == 1 ? value.ToDouble() : TensorUtil.ReduceToDouble(value, static v => v.sum());
    }

    /// <summary>
    /// The minimum and maximum in one reduction and two reads (a single entry is read directly;
    /// an empty tensor gives (1, 1), which passes every check); null for a dtype other than float32/float64.
    /// </summary>
    private static (double Min, double Max)? MinMax(Tensor value)
    {
        if (value.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            return null;
        }

        switch (value.numel())
        {
            case 0:
                return (1, 1);
            case 1:
                double single = value.ToDouble();
                return (single, single);
        }

        // no_grad: a reduction of a value that requires grad would otherwise record an autograd node
        using var noGrad = no_grad();
        var (min, max) = value.aminmax();
        using (min)
        using (max)
        {
            return (min.ToDouble(), max.ToDouble());
        }
    }

    /// <summary>", got NaN at [0, 1], inf at [2, 0] and 3 more entries" for the entries where <paramref name="holds"/> is false.</summary>
    private static string OffendingEntries(Tensor value, Tensor holds)
    {
        if (value.dim() == 0)
        {
            return $", got {Format(value.to(ScalarType.Float64).ToDouble())}";
        }

        var flatValues = value.reshape(-1).to(ScalarType.Float64);
        return ", got " + List(holds.logical_not(), (flat, index) => $"{Format(flatValues[flat].ToDouble())} at {index}", "entry");
    }

    /// <summary>Describes the first few true entries of <paramref name="bad"/> and counts the rest.</summary>
    private static string List(Tensor bad, Func<long, string, string> describe, string noun)
    {
        long[] shape = bad.Shape();
        var flat = bad.reshape(-1).nonzero().reshape(-1);
        long count = flat.Shape()[0];
        var shown = flat.narrow(0, 0, Math.Min(count, ShownEntries)).data<long>().ToArray();
        string text = string.Join(", ", shown.Select(f => describe(f, IndexText(f, shape))));
        if (count > shown.Length)
        {
            long more = count - shown.Length;
            string plural = noun == "entry" ? "entries" : noun + "s";
            text += $" and {more.ToString(CultureInfo.InvariantCulture)} more {(more == 1 ? noun : plural)}";
        }

        return text;
    }

    /// <summary>"[i, j, …]": the multi-index of flat (row-major) position <paramref name="flat"/> in <paramref name="shape"/>.</summary>
    private static string IndexText(long flat, long[] shape)
    {
        var index = new long[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }

        return "[" + string.Join(", ", index.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]";
    }
}
