using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// What an intervention sets a variable to: a constant, a function of the value the variable
/// would have taken (its factual value), or a fresh draw from a distribution. Tensors and
/// numbers convert implicitly, so <c>["x"] = 1</c> reads as do(x = 1). A plain number takes the
/// site's value dtype and device at the site (an int64 category, a float count, float64 under a
/// float64 default dtype); on a discrete site it must be a whole number.
/// </summary>
public abstract record Intervention
{
    private protected Intervention()
    {
    }

    /// <summary>do(x = <paramref name="value"/>), broadcast against the factual value.</summary>
    public static Intervention FromTensor(Tensor value) => new ConstantIntervention(value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>
    /// do(x = <paramref name="value"/>) in the factual value's dtype and device. On a discrete site
    /// (integer or bool values, or a distribution with discrete support) applying it throws
    /// <see cref="ArgumentException"/> unless the value is a whole number.
    /// </summary>
    public static Intervention FromDouble(double value) => new ScalarIntervention(value);

    /// <summary>do(x = f(x)): a soft or shift intervention, e.g. <c>x =&gt; x + 1</c>.</summary>
    public static Intervention FromFunction(Func<Tensor, Tensor> function) =>
        new FunctionIntervention(function ?? throw new ArgumentNullException(nameof(function)));

    /// <summary>do(x ~ <paramref name="distribution"/>): a randomized intervention, drawn at a sample site <c>name__intervention</c>.</summary>
    public static Intervention FromDistribution(Distribution distribution) =>
        new DistributionIntervention(distribution ?? throw new ArgumentNullException(nameof(distribution)));

    /// <summary>
    /// Several alternative interventions at once (ChiRho's tuple of actions):
    /// <see cref="MultiWorldCounterfactual"/> gives the site's world index one entry per action after
    /// the factual one (size 1 + k), each action applied to the factual value; the single-world
    /// handlers and a plain run take the last action, as ChiRho does.
    /// </summary>
    /// <exception cref="ArgumentException">No action was given, or an action is itself a tuple.</exception>
    public static Intervention Tuple(params Intervention[] actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Length == 0)
        {
            throw new ArgumentException("Intervention.Tuple: give at least one action.", nameof(actions));
        }

        if (actions.Any(a => a is null or TupleIntervention))
        {
            throw new ArgumentException("Intervention.Tuple: every action must be a single (non-null, non-tuple) intervention.", nameof(actions));
        }

        return new TupleIntervention([.. actions]);
    }

    /// <summary>The alternative actions: the tuple's actions for <see cref="Tuple"/>, otherwise this intervention alone.</summary>
    public virtual IReadOnlyList<Intervention> Alternatives => [this];

    /// <summary>
    /// Throws when a plain-number action (this one, or one of a tuple's) is not a whole number:
    /// for a site whose values are whole numbers (<paramref name="why"/> says which).
    /// </summary>
    /// <exception cref="ArgumentException">Some plain-number action is not a whole number.</exception>
    internal void RequireWholeNumbers(string name, string why)
    {
        foreach (var action in Alternatives)
        {
            if (action is ScalarIntervention number)
            {
                number.RequireWholeNumber(name, why);
            }
        }
    }

    /// <summary>Same as <see cref="FromTensor"/>.</summary>
    public static implicit operator Intervention(Tensor value) => FromTensor(value);

    /// <summary>Same as <see cref="FromDouble"/>.</summary>
    public static implicit operator Intervention(double value) => FromDouble(value);

    /// <summary>The intervened value, broadcast with <paramref name="factual"/>.</summary>
    /// <param name="factual">The value the variable takes without the intervention.</param>
    /// <param name="name">The site, for messages and for the draw of a randomized intervention.</param>
    /// <exception cref="ArgumentException">The result does not broadcast with the factual value or lives on another device.</exception>
    public Tensor Apply(Tensor factual, string name)
    {
        ArgumentNullException.ThrowIfNull(factual);
        return Conform(Compute(factual, name), factual, name);
    }

    /// <summary>The intervention's own value for <paramref name="factual"/>, before it is broadcast with it.</summary>
    internal Tensor Evaluate(Tensor factual, string name) => Compute(factual, name);

    /// <summary><paramref name="value"/> in the factual value's dtype, broadcast with it.</summary>
    /// <exception cref="ArgumentException">The value does not broadcast with the factual value or lives on another device.</exception>
    internal static Tensor Conform(Tensor value, Tensor factual, string name)
    {
        if (value.device_type != factual.device_type || value.device_index != factual.device_index)
        {
            throw new ArgumentException($"Intervention on '{name}': the value is on {value.device}, the site on {factual.device}.");
        }

        long[] shape;
        try
        {
            shape = ShapeUtil.Broadcast(factual.Shape(), value.Shape());
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"Intervention on '{name}': its value of shape {ShapeUtil.Format(value.Shape())} does not broadcast with the site's value of shape {ShapeUtil.Format(factual.Shape())}.", e);
        }

        if (value.dtype != factual.dtype)
        {
            if (!factual.is_floating_point() && !factual.is_complex())
            {
                // to(int64) would turn 1.5 into category 1 without a word
                Ppl.Handlers.WholeNumbers.Require(value, $"Intervention on '{name}'", $"its values are {factual.dtype}");
            }

            value = value.to(factual.dtype);
        }

        return value.Shape().SequenceEqual(shape) ? value : value.expand(shape);
    }

    private protected abstract Tensor Compute(Tensor factual, string name);

    private sealed record ConstantIntervention(Tensor Value) : Intervention
    {
        private protected override Tensor Compute(Tensor factual, string name) => Value.alias();

        public override string ToString() => $"do(= tensor {ShapeUtil.Format(Value.Shape())})";
    }

    private sealed record ScalarIntervention(double Value) : Intervention
    {
        private protected override Tensor Compute(Tensor factual, string name)
        {
            // full() would truncate 1.5 to category 1 (and 0.5 to true) without a word
            if (!factual.is_floating_point() && !factual.is_complex())
            {
                RequireWholeNumber(name, $"its values are {factual.dtype}");
            }

            return torch.full([], Value, dtype: factual.dtype, device: factual.device);
        }

        internal void RequireWholeNumber(string name, string why) => Ppl.Handlers.WholeNumbers.Require(Value, $"Intervention on '{name}'", why);

        public override string ToString() => $"do(= {Value})";
    }

    private sealed record FunctionIntervention(Func<Tensor, Tensor> Function) : Intervention
    {
        private protected override Tensor Compute(Tensor factual, string name) =>
            Function(factual) ?? throw new InvalidOperationException($"Intervention on '{name}': the function returned null.");

        public override string ToString() => "do(= f(factual))";
    }

    private sealed record TupleIntervention(Intervention[] Actions) : Intervention
    {
        public override IReadOnlyList<Intervention> Alternatives => Actions;

        // a plain run and the single-world handlers keep the last action (ChiRho's act[-1])
        private protected override Tensor Compute(Tensor factual, string name) => Actions[^1].Compute(factual, name);

        public override string ToString() => $"({string.Join(", ", Actions.Select(a => a.ToString()))})";
    }

    private sealed record DistributionIntervention(Distribution Distribution) : Intervention
    {
        private protected override Tensor Compute(Tensor factual, string name) => Primitives.Sample(name + "__intervention", Distribution);

        public override string ToString() => $"do(~ {Distribution})";
    }
}
