using System.Collections.Immutable;
using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Effects;

/// <summary>
/// The one mutable record that travels the handler stack for every effect. Handlers edit it in
/// place: <see cref="Runtime.ApplyStack"/> documents the order. Primitives create it; traces snapshot it
/// as an immutable <see cref="Site"/>.
/// </summary>
public sealed class Message
{
    private List<(int Stage, Action<Message> Action)>? _afterValue;
    private SiteKind _kind;
    private Func<Message, Tensor>? _defaultBehavior;
    private Distribution? _distribution;
    private Tensor? _value;

    /// <summary>Creates a message of the given kind for the named site.</summary>
    public Message(SiteKind kind, string name)
    {
        _kind = kind;
        Name = name;
    }

    /// <summary>What the message asks for. Only <see cref="Handlers.LiftMessenger"/> changes it (a param becomes a sample).</summary>
    public SiteKind Kind => _kind;

    /// <summary>The site's name. Mutable because <see cref="Handlers.DoMessenger"/> renames the intervened node.</summary>
    public string Name { get; set; }

    /// <summary>The distribution of a sample site (plates may replace it with an expanded one). Setting another one drops <see cref="DrawNoise"/>.</summary>
    public Distribution? Distribution
    {
        get => _distribution;
        set
        {
            if (!ReferenceEquals(value, _distribution))
            {
                DrawNoise = null; // the noise was drawn by the distribution it replaces
            }

            _distribution = value;
        }
    }

    /// <summary>
    /// The site's value; when a handler sets it, the default behaviour does not run. Setting
    /// another tensor drops what was recorded about the old one (<see cref="DrawNoise"/>,
    /// <see cref="ExpPreimage"/>): a value a handler replaces, conditions or replays has no noise.
    /// </summary>
    public Tensor? Value
    {
        get => _value;
        set
        {
            if (!ReferenceEquals(value, _value))
            {
                DrawNoise = null;
                ExpPreimage = null;
            }

            _value = value;
        }
    }

    /// <summary>
    /// The noise the default behaviour drew <see cref="Value"/> from with gradients (see
    /// <see cref="Distribution.RSampleWithNoise"/>), so an ELBO can evaluate log q from it; null for
    /// any other value. Only <see cref="SetValue"/> sets it, and writing another value or
    /// distribution clears it, so it can never describe a value it was not drawn for.
    /// </summary>
    internal DrawNoise? DrawNoise { get; private set; }

    /// <summary>
    /// x with <see cref="Value"/> = exp(x) exactly as it was made (a positive parameter's
    /// unconstrained tensor, a draw pushed through exp), for densities that read log of the value;
    /// null when unknown. Set with the value by <see cref="SetValue"/> and cleared with it.
    /// </summary>
    internal Tensor? ExpPreimage { get; private set; }

    /// <summary>Sets <see cref="Value"/> together with what is known about how it was made.</summary>
    internal void SetValue(Tensor value, DrawNoise? noise, Tensor? expPreimage)
    {
        Value = value;
        DrawNoise = noise;
        ExpPreimage = expPreimage;
    }

    /// <summary>True when <see cref="Value"/> is an observation (it conditions the model).</summary>
    public bool IsObserved { get; set; }

    /// <summary>Multiplier of the site's log-density (plates with subsampling, <see cref="Handlers.ScaleMessenger"/>).</summary>
    public double Scale { get; set; } = 1.0;

    /// <summary>An extra tensor-valued multiplier of the log-density, broadcast against it; null for none.</summary>
    public Tensor? ScaleTensor { get; set; }

    /// <summary>A boolean tensor; log-density entries where it is false are zero. Null for no mask.</summary>
    public Tensor? Mask { get; set; }

    /// <summary>False when a <see cref="Handlers.MaskMessenger"/> masked the whole site out.</summary>
    public bool MaskAll { get; set; } = true;

    /// <summary>The plates enclosing the site, outermost first.</summary>
    public ImmutableArray<PlateFrame> Plates { get; set; } = ImmutableArray<PlateFrame>.Empty;

    /// <summary>The innermost <see cref="Primitives.Markov{T}"/> step the site runs in (set by the innermost <see cref="Handlers.MarkovMessenger"/>), or null.</summary>
    internal Handlers.MarkovStep? Markov { get; set; }

    /// <summary>Hints for inference algorithms.</summary>
    public InferConfig Infer { get; set; } = InferConfig.Default;

    /// <summary>The generator the default behaviour samples with; null for the default generator.</summary>
    public Generator? Generator { get; set; }

    /// <summary>
    /// Supplies <see cref="Generator"/> only if the site is actually drawn (set by
    /// <see cref="Handlers.SeedMessenger"/>, so a handler outside the seed that turns an
    /// observation into a draw still draws reproducibly, and no generator is made for sites that
    /// never draw).
    /// </summary>
    public Func<Message, Generator>? GeneratorSource { get; set; }

    /// <summary>Set when the value is final; the default behaviour then does nothing.</summary>
    public bool Done { get; set; }

    /// <summary>Set by a handler to keep the message from the handlers outside it.</summary>
    public bool Stop { get; set; }

    /// <summary>
    /// Runs after every handler's <see cref="Messenger.Postprocess"/> (Pyro's <c>continuation</c>);
    /// <see cref="Handlers.EscapeMessenger"/> throws from it, so the handlers inside the escape see
    /// the site end before the model is left.
    /// </summary>
    public Action<Message>? Continuation { get; set; }

    /// <summary>The <see cref="Handlers.DoMessenger"/>s that already split this site (each splits a site once).</summary>
    public ImmutableList<object> Interveners { get; set; } = ImmutableList<object>.Empty;

    /// <summary>Typed arguments of the effect (for example <see cref="ParamSpec"/> or <see cref="PlateSpec"/>).</summary>
    public object? Payload { get; init; }

    /// <summary>Computes the value when no handler supplied one (sampling for sample sites).</summary>
    public Func<Message, Tensor>? DefaultBehavior { get => _defaultBehavior; init => _defaultBehavior = value; }

    /// <summary>
    /// Turns the message into one of another kind mid-walk (Pyro's handlers assign <c>msg["type"]</c>):
    /// the handlers still to process it, the default behaviour and every postprocess see the new kind.
    /// </summary>
    internal void Relabel(SiteKind kind, Func<Message, Tensor>? defaultBehavior)
    {
        _kind = kind;
        _defaultBehavior = defaultBehavior;
    }

    /// <summary>The distribution and observation the primitive created the message with.</summary>
    internal (Distribution? Distribution, Tensor? Value, bool IsObserved, InferConfig Infer) Original { get; init; }

    /// <summary>
    /// A fresh message for the same site as the primitive first made it: no handler edits, no
    /// plates, scale 1. <see cref="Handlers.DoMessenger"/> uses it to sample the intervened site
    /// anew through the whole stack.
    /// </summary>
    public Message CopyForResample() => new(Kind, Name)
    {
        Distribution = Original.Distribution,
        Value = Original.Value,
        IsObserved = Original.IsObserved,
        Infer = Original.Infer,
        Payload = Payload,
        DefaultBehavior = DefaultBehavior,
        Original = Original,
        Interveners = Interveners,
    };

    /// <summary>
    /// Registers <paramref name="action"/> to run once the value is settled: after every handler's
    /// <see cref="Messenger.Process"/> and the default behaviour, before any
    /// <see cref="Messenger.Postprocess"/>, so traces outside record what it leaves. Lower
    /// <paramref name="stage"/>s run first, equal stages in registration order (innermost handler
    /// first). The causal layer uses it to intervene on a value and to build counterfactual worlds
    /// whatever handler supplied the value (a draw, an observation, a replay).
    /// </summary>
    public void AfterValue(Action<Message> action, int stage = 0)
    {
        ArgumentNullException.ThrowIfNull(action);
        (_afterValue ??= []).Add((stage, action));
    }

    /// <summary>Runs the <see cref="AfterValue"/> actions (once).</summary>
    internal void RunAfterValue()
    {
        if (_afterValue is not { Count: > 0 } actions)
        {
            return;
        }

        _afterValue = null;
        foreach (var (_, action) in actions.OrderBy(a => a.Stage)) // a stable sort: equal stages keep registration order
        {
            action(this);
        }
    }

    /// <summary>The generator to draw with: <see cref="Generator"/>, else one from <see cref="GeneratorSource"/>, else null.</summary>
    public Generator? ResolveGenerator() => Generator ??= GeneratorSource?.Invoke(this);

    /// <summary>The device of the site: its distribution's, its value's, or the default device.</summary>
    public Device Device => Distribution?.Device ?? Value?.device ?? (Payload as PlateSpec)?.Device ?? torch.CPU;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Kind} '{Name}'" + (Distribution is null ? "" : $" ~ {Distribution}") + (IsObserved ? " (observed)" : "");
}
