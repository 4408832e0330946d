using static TorchSharp.torch;

namespace Ppl.Examples.CompetingExpertsMnist;

/// <summary>
/// One of the paper's ten mechanisms, acting on a batch of canonical images [n, 1, 32, 32] in [0, 1]:
/// a translation by 4 pixels (no wrap-around, the vacated pixels 0), contrast inversion x ↦ 1 − x, or
/// additive Gaussian noise of variance 0.25 clamped to [0, 1].
/// </summary>
/// <param name="Name">How the mechanism is called on the command line and in tables.</param>
/// <param name="Apply">The transformation; random mechanisms draw from the generator.</param>
internal sealed record Mechanism(string Name, Func<Tensor, Generator, Tensor> Apply)
{
    /// <summary>How far a translation moves the image.</summary>
    public const int Shift = 4;

    /// <summary>The variance of the additive noise.</summary>
    public const double NoiseVariance = 0.25;

    /// <summary>
    /// All ten, in the order a count selects them: the default run's four (inversion, noise, left,
    /// up) first, then the other translations.
    /// </summary>
    public static IReadOnlyList<Mechanism> All { get; } =
    [
        new("inversion", (x, _) => x.neg().add(1)),
        new("noise", (x, g) => x.add(randn(x.shape, dtype: x.dtype, device: x.device, generator: g).mul(Math.Sqrt(NoiseVariance))).clamp(0, 1)),
        Translation("left", 0, -1),
        Translation("up", -1, 0),
        Translation("right", 0, 1),
        Translation("down", 1, 0),
        Translation("up-left", -1, -1),
        Translation("up-right", -1, 1),
        Translation("down-left", 1, -1),
        Translation("down-right", 1, 1),
    ];

    /// <summary>The mechanisms named in <paramref name="spec"/>: a count (the first that many of <see cref="All"/>) or a comma-separated list of names.</summary>
    /// <exception cref="ArgumentException">An unknown name, a repeated one, or a count outside 1 … 10.</exception>
    public static IReadOnlyList<Mechanism> Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (int.TryParse(spec, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int count))
        {
            if (count < 1 || count > All.Count)
            {
                throw new ArgumentException($"--mechanisms: a count must be 1 … {All.Count}; got {count}.");
            }

            return All.Take(count).ToList();
        }

        var names = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var chosen = names.Select(name => All.FirstOrDefault(m => m.Name == name)
            ?? throw new ArgumentException($"--mechanisms: unknown mechanism '{name}'; known: {string.Join(", ", All.Select(m => m.Name))}.")).ToList();
        if (chosen.Count == 0 || chosen.Distinct().Count() != chosen.Count)
        {
            throw new ArgumentException($"--mechanisms: give a count or distinct names; got '{spec}'.");
        }

        return chosen;
    }

    /// <summary>Moves the image by (<paramref name="down"/>, <paramref name="right"/>) · <see cref="Shift"/> pixels, filling with 0.</summary>
    private static Mechanism Translation(string name, int down, int right) => new(name, (x, _) => Translate(x, down * Shift, right * Shift));

    private static Tensor Translate(Tensor images, int down, int right)
    {
        long height = images.shape[^2];
        long width = images.shape[^1];

        // pad on the side the image moves away from, then cut the window back to the original size
        var padded = nn.functional.pad(images, [Math.Max(right, 0), Math.Max(-right, 0), Math.Max(down, 0), Math.Max(-down, 0)]);
        return padded.narrow(-2, Math.Max(-down, 0), height).narrow(-1, Math.Max(-right, 0), width);
    }
}
