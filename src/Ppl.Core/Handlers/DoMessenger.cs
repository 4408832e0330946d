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
/// The intervened value takes the dtype and device of the value the site draws, so a plain number
/// (<c>["x"] = 1</c>, which TorchSharp makes an int32 tensor, or <c>1.0</c>, a float64 one) goes
/// on as an int64 category, a float32 outcome, or float64 under a float64 default dtype. When that
/// conversion turns floats into the values of a discrete site (a category, a count, 0/1), each
/// must be a whole number.
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
        var value = InSiteDtype(intervention, factual.Value, message);
        message.Name += CounterfactualSuffix;
        message.Value = value;
        message.IsObserved = true;
        message.Stop = true;
    }

    /// <summary><paramref name="intervention"/> in the dtype and device of <paramref name="drawn"/>, the value the site drew.</summary>
    /// <exception cref="ArgumentException">Floats become values of a discrete site and some is not a whole number.</exception>
    private static Tensor InSiteDtype(Tensor intervention, Tensor? drawn, Message message)
    {
        if (drawn is null
            || (intervention.dtype == drawn.dtype && intervention.device_type == drawn.device_type && intervention.device_index == drawn.device_index))
        {
            return intervention.alias();
        }

        var distribution = message.Distribution;
        bool discrete = !drawn.is_floating_point() || distribution?.Support.IsDiscrete == true;
        if (discrete)
        {
            string why = distribution is null ? $"its values are {drawn.dtype}" : $"{distribution.GetType().Name}, support {distribution.Support}";
            WholeNumbers.Require(intervention, $"Do: the intervention on '{message.Name}'", why);
        }

        return intervention.to(drawn.dtype, drawn.device);
    }
}
