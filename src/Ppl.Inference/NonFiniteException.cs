namespace Ppl.Inference;

/// <summary>
/// An SVI step's loss or a parameter's gradient is NaN or infinite. Thrown before the update, so
/// the parameters keep their last finite values (see <see cref="NonFinitePolicy"/>).
/// </summary>
public sealed class NonFiniteException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NonFiniteException(long step, double loss, IReadOnlyList<string> parameters, IReadOnlyList<string> sites)
        : base(Describe(step, loss, parameters, sites))
    {
        Step = step;
        Loss = loss;
        Parameters = parameters ?? [];
        Sites = sites ?? [];
    }

    /// <summary>Creates an empty exception.</summary>
    public NonFiniteException()
    {
        Parameters = [];
        Sites = [];
    }

    /// <summary>Creates the exception with a message only.</summary>
    public NonFiniteException(string message)
        : base(message)
    {
        Parameters = [];
        Sites = [];
    }

    /// <summary>Creates the exception wrapping <paramref name="inner"/>.</summary>
    public NonFiniteException(string message, Exception inner)
        : base(message, inner)
    {
        Parameters = [];
        Sites = [];
    }

    /// <summary>The step, numbered as <see cref="SviProgress.Step"/>.</summary>
    public long Step { get; }

    /// <summary>The step's loss (itself finite when only gradients are not).</summary>
    public double Loss { get; }

    /// <summary>Parameters whose gradient has a NaN or infinite entry.</summary>
    public IReadOnlyList<string> Parameters { get; }

    /// <summary>Sample sites whose (scaled, masked) log-density sums to NaN or ±∞, as "model:name" or "guide:name".</summary>
    public IReadOnlyList<string> Sites { get; }

    private static string Describe(long step, double loss, IReadOnlyList<string>? parameters, IReadOnlyList<string>? sites)
    {
        var what = double.IsFinite(loss) ? $"the loss {loss:G6} is finite but gradients are not" : $"the loss is {loss}";
        var text = $"SVI step {step}: {what}; no parameter was updated.";
        if (sites is { Count: > 0 })
        {
            text += $" Sites with a non-finite log-density: {string.Join(", ", sites)}.";
        }

        if (parameters is { Count: > 0 })
        {
            text += $" Parameters with a non-finite gradient: {string.Join(", ", parameters)}.";
        }

        return text + " Lower the learning rate, check initial values and supports, or set NonFinite = NonFinitePolicy.Continue to go on.";
    }
}
