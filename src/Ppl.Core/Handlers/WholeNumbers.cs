using static TorchSharp.torch;

namespace Ppl.Handlers;

/// <summary>
/// The check before floats become the values of a discrete site (a category, a count, 0/1):
/// converting 1.5 to an integer dtype would give 1 without a word.
/// </summary>
internal static class WholeNumbers
{
    /// <summary>
    /// Throws when some entry of <paramref name="value"/> is not a finite whole number. Reads the
    /// tensor (one sync); a value on the meta device has no entries to read and passes.
    /// </summary>
    /// <param name="value">A floating-point tensor.</param>
    /// <param name="describe">The exception message, given the first offending entry.</param>
    /// <exception cref="ArgumentException">Some entry is not a finite whole number.</exception>
    public static void Require(Tensor value, Func<double, string> describe)
    {
        if (value.device_type == TorchSharp.DeviceType.META || !value.is_floating_point())
        {
            return;
        }

        using var scope = NewDisposeScope();
        var notWhole = value.frac().ne(0).logical_or(value.isfinite().logical_not());
        if (notWhole.any().item<bool>())
        {
            throw new ArgumentException(describe(value.masked_select(notWhole)[0].item<double>()));
        }
    }
}
