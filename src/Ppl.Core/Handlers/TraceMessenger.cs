using Ppl.Effects;

namespace Ppl.Handlers;

/// <summary>
/// Records every sample, param, deterministic and plate site into <see cref="Trace"/> after all
/// handlers inside it ran. A new trace starts at each installation. Effects of other kinds (for
/// example the causal layer's <c>intervene</c>) are operations on a site, not sites, and are not recorded.
/// </summary>
/// <example><code>
/// var tracer = new TraceMessenger();
/// using (tracer.Install()) { model(); }
/// var logJoint = tracer.Trace.LogProbSum();
/// </code></example>
public sealed class TraceMessenger : Messenger
{
    /// <summary>The trace of the current (or last) installation.</summary>
    public Trace Trace { get; private set; } = new();

    /// <inheritdoc />
    protected override void OnInstalled() => Trace = new Trace();

    /// <inheritdoc />
    protected internal override void OnReset() => Trace = new Trace();

    /// <inheritdoc />
    protected internal override void Postprocess(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Kind == SiteKind.Sample || message.Kind == SiteKind.Param || message.Kind == SiteKind.Deterministic || message.Kind == SiteKind.Plate)
        {
            Trace.Add(Site.From(message));
        }
    }
}
