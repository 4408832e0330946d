using Ppl.Distributions;

namespace Ppl.Modules;

/// <summary>
/// Declares a random attribute of a <see cref="PplModule{TIn, TOut}"/> with a prior (Pyro's
/// <c>PyroSample</c>). Each read of the attribute is a sample site named after the attribute's
/// qualified path; within one call of the module it is read once and the value reused.
/// </summary>
/// <param name="Prior">
/// Builds the prior when the attribute is read, so it may depend on other attributes of the
/// module (a closure over the module reading <see cref="PplModule{TIn, TOut}.Get"/>) or on state
/// that changes between calls.
/// </param>
public sealed record PplSample(Func<Distribution> Prior)
{
    /// <summary>A prior that is the same distribution at every read.</summary>
    public PplSample(Distribution prior)
        : this(Fixed(prior))
    {
    }

    private static Func<Distribution> Fixed(Distribution prior)
    {
        ArgumentNullException.ThrowIfNull(prior);
        return () => prior;
    }
}
