using Ppl.Distributions;
using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Handlers;

/// <summary>
/// Observes sample sites: a site whose name has data takes that value and is marked observed,
/// so it contributes its log-density instead of being drawn (Pyro's <c>condition</c>).
/// <para>
/// A <see cref="Primitives.Deterministic"/> site with data is what it is in Pyro, a point mass at
/// its computed value: it is recorded as an observed sample site of <see cref="Delta"/> at the
/// computed value (marked <see cref="DeterministicKey"/> in <see cref="InferConfig.Extra"/>), the
/// model continues with the observed value, and the site contributes the Delta's log-density:
/// 0 where the observation equals the computed value, −∞ elsewhere. (Pyro masks that density out
/// and so lets the observation change the model's values without conditioning anything; for a
/// continuous value an exact match has probability 0, so soft-condition such sites instead.)
/// </para>
/// </summary>
/// <example><code>
/// using (new ConditionMessenger(new Dictionary&lt;string, Tensor&gt; { ["y"] = y }).Install()) { model(); }
/// </code></example>
public sealed class ConditionMessenger : Messenger
{
    private readonly NamedData _data;

    /// <summary>The <see cref="InferConfig.Extra"/> key (Pyro's <c>_deterministic</c>) marking the sample site a conditioned deterministic site becomes.</summary>
    public const string DeterministicKey = "_deterministic";

    /// <summary>Conditions the sites named in <paramref name="data"/>.</summary>
    public ConditionMessenger(IReadOnlyDictionary<string, Tensor> data) => _data = new NamedData(data);

    /// <summary>Conditions each site for which <paramref name="data"/> returns a value.</summary>
    public ConditionMessenger(Func<Message, Tensor?> data) => _data = new NamedData(data);

    /// <inheritdoc />
    protected override void OnInstalled() => _data.Reset();

    /// <inheritdoc />
    protected internal override void OnUninstalled() => _data.WarnUnused("Condition");

    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_data.TryGet(message, out var value))
        {
            message.Value = value.alias(); // an alias: disposing the trace never frees user data
            message.IsObserved = true;
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The deterministic site has no value.</exception>
    protected override void OnDeterministic(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_data.TryGet(message, out var value))
        {
            return;
        }

        // the site becomes Pyro's deterministic site, an observed point mass at the computed value,
        // sent afresh through the whole stack (plates, worlds, traces see a sample site); the
        // deterministic message itself goes no further than this handler
        var computed = message.Value ?? throw new InvalidOperationException($"Condition: deterministic site '{message.Name}' has no value.");
        int eventDim = message.Payload is int e ? e : 0;
        var infer = message.Infer with { Extra = message.Infer.Extra.SetItem(DeterministicKey, true) };
        message.Value = Primitives.Sample(message.Name, new Delta(computed, eventDim: eventDim), value, infer);
        message.Done = true;
        message.Stop = true;
    }
}
