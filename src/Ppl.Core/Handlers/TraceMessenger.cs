using Ppl.Effects;

namespace Ppl.Handlers;

/// <summary>
/// Records every sample, param, deterministic and plate site into <see cref="Trace"/> after all
/// handlers inside it ran, or with <see cref="ParamOnly"/> only the param sites (Pyro's
/// <c>trace(param_only=True)</c>). A new trace starts at each installation. Effects of other kinds
/// (for example the causal layer's <c>intervene</c>) are operations on a site, not sites, and are not recorded.
/// </summary>
/// <example><code>
/// var tracer = new TraceMessenger();
/// using (tracer.Install()) { model(); }
/// var logJoint = tracer.Trace.LogProbSum();
/// </code></example>
public sealed class TraceMessenger : Messenger
{
    /// <inheritdoc />
    public override bool RetainsValues => true;

    /// <summary>The trace of the current (or last) installation.</summary>
    public Trace Trace { get; private set; } = new();

    /// <summary>True to record param sites only, for example to collect the params a program uses.</summary>
    public bool ParamOnly { get; init; }

    /// <summary>Reports the trace as a record of the run's plates (a plate entered again in the run reuses its dim and indices).</summary>
    internal override void AnswerPlateQuery(PlateQuery query) => query.AddRecorder(Trace);

    /// <inheritdoc />
    protected override void OnInstalled() => Trace = new Trace();

    /// <inheritdoc />
    protected internal override void OnReset() => Trace = new Trace();

    /// <inheritdoc />
    protected internal override void Postprocess(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        bool recorded = ParamOnly
            ? message.Kind == SiteKind.Param
            : message.Kind == SiteKind.Sample || message.Kind == SiteKind.Param || message.Kind == SiteKind.Deterministic || message.Kind == SiteKind.Plate;
        if (recorded)
        {
            Trace.Add(Site.From(message));
        }
    }
}
