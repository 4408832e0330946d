using Ppl.Diagnostics;
using Ppl.Distributions;
using Ppl.Effects;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Approximate conditioning of deterministic sites (ChiRho's <c>KernelSoftConditionReparam</c> and
/// <c>AutoSoftConditioning</c>, as one handler). A deterministic site has no density, so observing
/// it exactly is an event of probability zero; instead, for each site named in the data whose
/// computed value is not the observed tensor itself, this handler adds a factor site
/// <c>{name}_approx_log_prob</c> scoring kernel(computed, observed), like approximate Bayesian
/// computation, and the site takes the observed value. Inside a world handler only the factual
/// world takes the observed value (the other worlds keep their computed values) and the factor
/// scores the factual computed value only, as ChiRho's factual conditioning does.
/// </summary>
/// <example><code>
/// using (new SoftConditionMessenger(new Dictionary&lt;string, Tensor&gt; { ["y"] = yObserved }, scale: 0.5).Install())
/// {
///     model();   // adds factor "y_approx_log_prob" = log N(y_computed − y_observed | 0, 0.5²)
/// }
/// </code></example>
public sealed class SoftConditionMessenger : Messenger
{
    /// <summary>Stage at which the observed value replaces the computed one: before interventions split it into worlds.</summary>
    private const int Stage = InterventionsMessenger.Stage - 1;

    private readonly IReadOnlyDictionary<string, Tensor> _data;
    private readonly Func<Tensor, Tensor, int, Tensor> _kernel;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>
    /// Soft-conditions with ChiRho's automatic kernel: deterministic sites have real support, so the
    /// score is <see cref="SoftEquality.SoftEq"/> on independent(real, eventDim), a Gaussian kernel
    /// of width <paramref name="scale"/> summed over the site's event dims.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not positive and finite.</exception>
    public SoftConditionMessenger(IReadOnlyDictionary<string, Tensor> data, double scale = 1.0)
        : this(data, (computed, observed, eventDim) => SoftEquality.SoftEq(eventDim == 0 ? Constraints.Real : Constraints.Independent(Constraints.Real, eventDim), computed, observed, scale))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
    }

    /// <summary>
    /// Soft-conditions with <paramref name="kernel"/>(computed, observed): a log-score that must
    /// broadcast to the site's batch shape (the value's shape without its event dims).
    /// </summary>
    public SoftConditionMessenger(IReadOnlyDictionary<string, Tensor> data, Func<Tensor, Tensor, Tensor> kernel)
        : this(data, Wrap(kernel))
    {
    }

    private SoftConditionMessenger(IReadOnlyDictionary<string, Tensor> data, Func<Tensor, Tensor, int, Tensor> kernel)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
        _kernel = kernel;
    }

    /// <summary>The name of the factor site added for deterministic site <paramref name="name"/>.</summary>
    public static string FactorName(string name) => name + "_approx_log_prob";

    /// <inheritdoc />
    protected override void OnInstalled() => _used.Clear();

    /// <inheritdoc />
    protected internal override void OnUninstalled()
    {
        foreach (var name in _data.Keys.Where(n => !_used.Contains(n)))
        {
            PplWarnings.Warn($"SoftCondition: no deterministic site named '{name}' was reached; its data was not used.");
        }
    }

    /// <inheritdoc />
    protected override void OnDeterministic(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_data.TryGetValue(message.Name, out var observed))
        {
            return;
        }

        _used.Add(message.Name);
        int eventDim = message.Payload is int d ? d : 0;
        message.AfterValue(m => m.Value = Condition(m.Name, m.Value!, observed, eventDim), Stage);
    }

    private Tensor Condition(string name, Tensor computed, Tensor observed, int eventDim)
    {
        if (ReferenceEquals(computed, observed))
        {
            return observed;
        }

        // the evidence is about the factual world: score its computed value only (the other worlds
        // follow from the same noise), so the factor has no world dims
        var worlds = HandlerStack.Current.OfType<WorldMessenger>().LastOrDefault()?.Worlds ?? [];
        var computedFactual = WorldTensors.Factual(computed, worlds, eventDim);
        var score = _kernel(computedFactual, observed, eventDim);
        long[] batch = BatchShape(computedFactual, observed, eventDim);
        if (!ShapeUtil.BroadcastsInto(score.Shape(), batch))
        {
            throw new InvalidOperationException(
                $"SoftCondition: the kernel's score for '{name}' has shape {ShapeUtil.Format(score.Shape())}, which does not broadcast to the site's batch shape {ShapeUtil.Format(batch)} (value shape without its {eventDim} event dim(s)).");
        }

        Primitives.Factor(FactorName(name), score);
        var factual = WorldTensors.FactualMask(computed, worlds, eventDim);
        if (factual is null)
        {
            return observed;
        }

        factual = factual.reshape([.. factual.Shape(), .. Enumerable.Repeat(1L, eventDim)]);
        return torch.where(factual, observed.to(computed.dtype), computed);
    }

    private static long[] BatchShape(Tensor computed, Tensor observed, int eventDim)
    {
        var shape = ShapeUtil.Broadcast(computed.Shape(), observed.Shape());
        return shape[..^eventDim];
    }

    private static Func<Tensor, Tensor, int, Tensor> Wrap(Func<Tensor, Tensor, Tensor> kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        return (computed, observed, _) => kernel(computed, observed);
    }
}
