using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Adds log-factors after named sample sites (ChiRho's <c>Factors</c>): after each sample site
/// whose name has a function, a factor site <c>{prefix}{name}</c> adds that function of the
/// site's final value (drawn, observed or intervened) to the log-joint.
/// </summary>
/// <example><code>
/// var factors = new Dictionary&lt;string, Func&lt;Tensor, Tensor&gt;&gt; { ["x"] = x =&gt; x.sub(1).square().neg() };
/// using (new FactorsMessenger(factors).Install()) { model(); }   // adds "__factor_x" = −(x − 1)²
/// </code></example>
public sealed class FactorsMessenger : Messenger
{
    /// <summary>Stage at which the factor is added: after interventions and world masks, on the site's final value.</summary>
    private const int Stage = WorldMessenger.MaskStage + 1;

    private readonly IReadOnlyDictionary<string, Func<Tensor, Tensor>> _factors;

    /// <summary>Adds <paramref name="factors"/>[name](value) after each sample site <c>name</c>, as a factor named <paramref name="prefix"/> + name.</summary>
    public FactorsMessenger(IReadOnlyDictionary<string, Func<Tensor, Tensor>> factors, string prefix = "__factor_")
    {
        ArgumentNullException.ThrowIfNull(factors);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        _factors = factors;
        Prefix = prefix;
    }

    /// <summary>The prefix of the factor sites' names.</summary>
    public string Prefix { get; }

    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_factors.TryGetValue(message.Name, out var factor))
        {
            return;
        }

        message.AfterValue(
            m => Primitives.Factor(
                Prefix + m.Name,
                factor(m.Value!) ?? throw new InvalidOperationException($"Factors: the function for '{m.Name}' returned null.")),
            Stage);
    }
}
