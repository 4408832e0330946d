using System.Reflection;
using Ppl.Effects;

namespace Ppl.Handlers;

/// <summary>
/// Adds inference hints to sample and param sites (Pyro's <c>infer_config</c>): for each such
/// site, <c>configFn</c> sees the message and returns hints that are merged into the site's
/// <see cref="Message.Infer"/>, as Pyro's <c>msg["infer"].update(config_fn(msg))</c>. A hint the
/// returned config sets (a field that differs from <see cref="InferConfig.Default"/>, or an
/// <see cref="InferConfig.Extra"/> key) replaces the site's; every other hint the site has stays.
/// </summary>
/// <example><code>
/// using (new InferConfigMessenger(m => m.Kind == SiteKind.Sample ? InferConfig.Default with { IsAuxiliary = true } : null).Install()) { model(); }
/// </code></example>
/// <param name="configFn">Returns the hints to merge into a site's, or null for none.</param>
public sealed class InferConfigMessenger(Func<Message, InferConfig?> configFn) : Messenger
{
    // every settable hint but Extra, found once: a hint added to InferConfig later is merged without a change here
    private static readonly PropertyInfo[] Hints = typeof(InferConfig)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && p.Name != nameof(InferConfig.Extra))
        .ToArray();

    private readonly Func<Message, InferConfig?> _configFn = configFn ?? throw new ArgumentNullException(nameof(configFn));

    /// <inheritdoc />
    protected override void OnSample(Message message) => Apply(message);

    /// <inheritdoc />
    protected override void OnParam(Message message) => Apply(message);

    /// <summary><paramref name="site"/>'s hints with the hints <paramref name="patch"/> sets replacing theirs.</summary>
    public static InferConfig Merge(InferConfig site, InferConfig patch)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(patch);
        var merged = site with { Extra = site.Extra.SetItems(patch.Extra) };
        foreach (var hint in Hints)
        {
            var value = hint.GetValue(patch);
            if (!Equals(value, hint.GetValue(InferConfig.Default)))
            {
                hint.SetValue(merged, value);
            }
        }

        return merged;
    }

    private void Apply(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_configFn(message) is { } patch)
        {
            message.Infer = Merge(message.Infer, patch);
        }
    }
}
