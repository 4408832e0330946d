using static TorchSharp.torch;

namespace Ppl.Handlers;

/// <summary>
/// The one check before floats become the values of a discrete site (a category, a count, 0/1):
/// converting 1.5 to an integer dtype would give 1 without a word. Used by every handler that
/// writes a user's value into a site (Do, Ppl.Causal's interventions), so they say it alike.
/// </summary>
internal static class WholeNumbers
{
    /// <summary>
    /// Throws when some entry of <paramref name="value"/> is not a finite whole number. Reads the
    /// tensor (one sync); a value on the meta device has no entries to read and passes.
    /// </summary>
    /// <param name="value">The value about to become the site's; only floating-point values are checked.</param>
    /// <param name="who">Who writes it and where, e.g. <c>Intervention on 'x'</c>.</param>
    /// <param name="why">Why the site takes whole numbers, e.g. its distribution and support.</param>
    /// <exception cref="ArgumentException">Some entry is not a finite whole number.</exception>
    public static void Require(Tensor value, string who, string why)
    {
        if (value.device_type == TorchSharp.DeviceType.META || !value.is_floating_point())
        {
            return;
        }

        using var scope = NewDisposeScope();
        var notWhole = value.frac().ne(0).logical_or(value.isfinite().logical_not());
        if (notWhole.any().item<bool>())
        {
            throw NotWhole(who, value.masked_select(notWhole)[0].item<double>(), why);
        }
    }

    /// <summary>Throws when <paramref name="value"/> is not a finite whole number (see <see cref="Require(Tensor, string, string)"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not a finite whole number.</exception>
    public static void Require(double value, string who, string why)
    {
        if (!double.IsFinite(value) || Math.Floor(value) != value)
        {
            throw NotWhole(who, value, why);
        }
    }

    private static ArgumentException NotWhole(string who, double first, string why) =>
        new(string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{who}: {first} is not a whole number, but the site takes whole-number values ({why}). Intervene with one of its values: a category index, a count, or 0/1."));
}
