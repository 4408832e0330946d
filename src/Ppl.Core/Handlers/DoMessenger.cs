using Ppl.Diagnostics;
using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Handlers;

/// <summary>
/// Intervenes on sample sites with Pyro's semantics (the single-world intervention graph): the
/// site is still drawn from its distribution and recorded under its own name, while the model
/// continues with the intervened value, which is recorded as an observed site
/// <c>name__CF</c> hidden from handlers outside this one. Downstream sites therefore see
/// do(X = x), not X = x: under confounding, E[Y | do(X = x)] differs from E[Y | X = x].
/// </summary>
/// <example><code>
/// using (new DoMessenger(new Dictionary&lt;string, Tensor&gt; { ["x"] = torch.tensor(1.0) }).Install()) { model(); }
/// </code></example>
public sealed class DoMessenger : Messenger
{
    /// <summary>Suffix of the renamed, intervened node.</summary>
    public const string CounterfactualSuffix = "__CF";

    private readonly NamedData _data;

    /// <summary>Intervenes on the sites named in <paramref name="data"/>.</summary>
    public DoMessenger(IReadOnlyDictionary<string, Tensor> data) => _data = new NamedData(data);

    /// <summary>Intervenes on each site for which <paramref name="data"/> returns a value.</summary>
    public DoMessenger(Func<Message, Tensor?> data) => _data = new NamedData(data);

    /// <inheritdoc />
    protected override void OnInstalled() => _data.Reset();

    /// <inheritdoc />
    protected internal override void OnUninstalled() => _data.WarnUnused("Do");

    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Interveners.Contains(this) || !_data.TryGet(message, out var intervention))
        {
            return;
        }

        if (!message.Interveners.IsEmpty)
        {
            PplWarnings.Warn($"Do: intervening on site '{message.Name}' more than once; this is almost certainly a mistake.");
        }

        // every handler splits a site once, so nested interventions on one site terminate
        message.Interveners = message.Interveners.Add(this);

        // split the node: the site itself is drawn anew through the whole stack under its own name…
        var factual = message.CopyForResample();
        Runtime.ApplyStack(factual);

        // …and the model continues with the intervention, under a mangled name that outer handlers never see
        message.Name += CounterfactualSuffix;
        message.Value = intervention.alias();
        message.IsObserved = true;
        message.Stop = true;
    }
}
