using Ppl.Effects;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Handlers;

/// <summary>
/// Makes every draw inside it reproducible. Each sample site (and plate subsample) gets its own
/// <see cref="Generator"/>, seeded from the handler's seed and the site's name, on the site's
/// device: the same seed gives the same values, a site's draws do not shift when other sites are
/// added or reordered, and a site reached again in the same installation draws afresh. Each
/// installation starts over; generators are released when it ends.
/// </summary>
/// <param name="seed">The seed.</param>
public sealed class SeedMessenger(long seed) : Messenger
{
    /// <summary>True: each site draws with its own generator.</summary>
    public override bool AltersDraws => true;

    private readonly Dictionary<(string Name, DeviceType Type, int Index), Generator> _generators = [];

    /// <summary>The seed.</summary>
    public long Seed { get; } = seed;

    /// <inheritdoc />
    protected override void OnSample(Message message) => Assign(message);

    /// <inheritdoc />
    protected override void OnPlate(Message message) => Assign(message);

    /// <inheritdoc />
    protected internal override void OnUninstalled()
    {
        foreach (var g in _generators.Values)
        {
            g.Dispose();
        }

        _generators.Clear();
    }

    private void Assign(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Generator is null && message.GeneratorSource is null)
        {
            message.GeneratorSource = GeneratorFor; // the innermost seed wins; made only if the site draws
        }
    }

    private Generator GeneratorFor(Message message)
    {
        var device = message.Device;
        var key = (message.Name, device.type, device.index);
        if (!_generators.TryGetValue(key, out var generator))
        {
            generator = new Generator(SiteSeed(Seed, message.Name), device);
            _generators.Add(key, generator);
        }

        return generator;
    }

    /// <summary>
    /// A seed for draws made on behalf of the running program outside any sample site (an
    /// autoguide's prototype or a random parameter initialization): the innermost installed
    /// seed mixed with <paramref name="purpose"/>; null when no seed is installed.
    /// </summary>
    internal static long? DerivedSeed(string purpose) =>
        HandlerStack.Current.OfType<SeedMessenger>().LastOrDefault() is { } enclosing
            ? unchecked((long)SiteSeed(enclosing.Seed, purpose))
            : null;

    /// <summary>SplitMix64 of the seed mixed with FNV-1a of the name: stable across processes, unlike string.GetHashCode.</summary>
    internal static ulong SiteSeed(long seed, string name)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in name)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        ulong z = unchecked((ulong)seed + 0x9E3779B97F4A7C15UL + h);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (z ^ (z >> 31)) >> 1; // libtorch seeds are taken as signed on some paths
    }
}
