using Ppl.Diagnostics;
using Ppl.Distributions;
using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Handlers;

/// <summary>
/// Turns param sites into latent sample sites drawn from a prior (Pyro's <c>lift</c>), so a
/// model's parameters become random: the site keeps its name, is drawn from its prior (outer
/// handlers such as Seed, Condition, Replay and Trace see a sample site), and the model gets the
/// draw. A param used twice in one run is drawn once: the later uses return the first draw and
/// are hidden from outer handlers. Params without a prior stay params.
/// </summary>
/// <example><code>
/// var lifted = model.Lift(new Dictionary&lt;string, Distribution&gt; { ["scale"] = new Exponential(0.3) });
/// </code></example>
public sealed class LiftMessenger : Messenger
{
    private readonly Func<string, Func<Tensor?>, Distribution?> _prior;
    private readonly IReadOnlyDictionary<string, Distribution>? _named;
    private readonly Dictionary<string, Message> _drawn = new(StringComparer.Ordinal);
    private readonly HashSet<string> _lifted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _kept = new(StringComparer.Ordinal);

    /// <summary>Every param site is drawn from <paramref name="prior"/>.</summary>
    public LiftMessenger(Distribution prior)
    {
        ArgumentNullException.ThrowIfNull(prior);
        _prior = (_, _) => prior;
    }

    /// <summary>The params named in <paramref name="priors"/> are drawn from their priors; the others stay params. Names no param used are warned about.</summary>
    public LiftMessenger(IReadOnlyDictionary<string, Distribution> priors)
    {
        ArgumentNullException.ThrowIfNull(priors);
        _named = priors;
        _prior = (name, _) => priors.TryGetValue(name, out var d) ? d : null;
    }

    /// <summary>
    /// Each param is drawn from <paramref name="prior"/>(name, initial value), or stays a param when
    /// it returns null (Pyro's dict of prior functions, which receive the initial tensor). The
    /// initial value is null for a param created without one.
    /// </summary>
    public LiftMessenger(Func<string, Tensor?, Distribution?> prior)
    {
        ArgumentNullException.ThrowIfNull(prior);
        _prior = (name, init) => prior(name, init());
    }

    /// <inheritdoc />
    protected override void OnInstalled()
    {
        _drawn.Clear();
        _lifted.Clear();
        _kept.Clear();
    }

    /// <inheritdoc />
    protected internal override void OnUninstalled()
    {
        _drawn.Clear();
        if (_named is null)
        {
            return;
        }

        var unused = _named.Keys.Where(k => !_lifted.Contains(k)).ToList();
        if (unused.Count > 0)
        {
            PplWarnings.Warn(
                $"Lift: no param named '{string.Join("', '", unused)}' was met, so those priors were not used. Params met without a prior: " +
                (_kept.Count == 0 ? "none." : $"'{string.Join("', '", _kept)}'."));
        }
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The param belongs to an <c>nn.Module</c>.</exception>
    /// <exception cref="ArgumentException">The param is constrained and its prior is over all the reals.</exception>
    protected override void OnParam(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var spec = message.Payload as ParamSpec;
        var prior = _prior(message.Name, () => spec?.Existing ?? spec?.Init?.Invoke());
        if (prior is null)
        {
            _kept.Add(message.Name);
            return;
        }

        Check(message.Name, spec, prior);
        _lifted.Add(message.Name);
        message.Relabel(SiteKind.Sample, Primitives.DrawSite);
        message.Distribution = prior;
        message.Infer = InferConfig.Default;
        if (_drawn.TryGetValue(message.Name, out var first))
        {
            // the same param again: it is the first draw, observed, and hidden from the outside (Pyro's memoization)
            message.Value = first.Value;
            message.IsObserved = true;
            message.Stop = true;
            return;
        }

        _drawn[message.Name] = message;
        message.Value = null;
        message.IsObserved = false;
    }

    private static void Check(string name, ParamSpec? spec, Distribution prior)
    {
        if (spec?.Existing is not null)
        {
            throw new NotSupportedException(
                $"Lift: param '{name}' belongs to an nn.Module, which computes with its own parameter tensors, not with a drawn value. " +
                "Write the module's computation with Sample sites (or Param sites you lift) instead.");
        }

        if (spec is not null && spec.Constraint is not RealConstraint && prior.Support is RealConstraint)
        {
            throw new ArgumentException(
                $"Lift: param '{name}' is constrained to {spec.Constraint}, but its prior {prior} ranges over all the reals; give it a prior on {spec.Constraint}.",
                nameof(prior));
        }
    }
}
