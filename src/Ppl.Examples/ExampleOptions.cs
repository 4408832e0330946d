using System.Globalization;

namespace Ppl.Examples;

/// <summary>Options every example understands, plus the values of its own <see cref="IExample.Options"/>.</summary>
/// <param name="Seed">Seed of every random draw.</param>
/// <param name="Smoke">Run a tiny version (for tests).</param>
/// <param name="Extra">Values of the example's own options by name (without dashes); missing ones take their default.</param>
public sealed record ExampleOptions(long Seed = 0, bool Smoke = false, IReadOnlyDictionary<string, string>? Extra = null)
{
    /// <summary>The default of options whose value depends on the run (smoke, full, a map's size): the example picks it.</summary>
    public const string Auto = "auto";

    /// <summary>The value of the example's own option <paramref name="name"/>, or <paramref name="fallback"/> when not given.</summary>
    public string Get(string name, string fallback) =>
        Extra is not null && Extra.TryGetValue(name, out var value) ? value : fallback;

    /// <summary>The value of option <paramref name="name"/> as a number.</summary>
    /// <exception cref="ArgumentException">The value is not a number.</exception>
    public double GetDouble(string name, double fallback)
    {
        var text = Get(name, fallback.ToString(CultureInfo.InvariantCulture));
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"--{name} must be a number, got '{text}'.", nameof(name));
    }

    /// <summary>The value of option <paramref name="name"/> as an integer.</summary>
    /// <exception cref="ArgumentException">The value is not an integer.</exception>
    public long GetInt64(string name, long fallback)
    {
        var text = Get(name, fallback.ToString(CultureInfo.InvariantCulture));
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"--{name} must be an integer, got '{text}'.", nameof(name));
    }

    /// <summary>The value of option <paramref name="name"/> as an integer, or <paramref name="auto"/> when it is <see cref="Auto"/> or not given.</summary>
    /// <exception cref="ArgumentException">The value is neither <see cref="Auto"/> nor an integer.</exception>
    public long GetInt64OrAuto(string name, long auto) => Get(name, Auto) == Auto ? auto : GetInt64(name, auto);

    /// <summary>The value of flag <paramref name="name"/> (an option declared with <see cref="ExampleOption.IsFlag"/>): true when given.</summary>
    /// <exception cref="ArgumentException">The value is neither <c>true</c> nor <c>false</c>.</exception>
    public bool GetFlag(string name)
    {
        var text = Get(name, "false");
        return bool.TryParse(text, out var value)
            ? value
            : throw new ArgumentException($"--{name} is a flag: give it alone (true) or leave it out (false); got '{text}'.", nameof(name));
    }
}
