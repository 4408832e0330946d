using static TorchSharp.torch;

namespace Ppl.Examples.EightSchools;

/// <summary>
/// The eight-schools data (Rubin 1981; Gelman et al., <i>Bayesian Data Analysis</i>, section 5.5): the
/// estimated effect of coaching on SAT scores in eight schools and each estimate's standard error.
/// </summary>
/// <param name="Sigma">Each school's standard error, [J] float64.</param>
/// <param name="Y">Each school's estimated effect, [J] float64; null to draw it (prior or posterior predictive).</param>
public sealed record SchoolsData(Tensor Sigma, Tensor? Y)
{
    /// <summary>The schools' letters, as the literature names them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["A", "B", "C", "D", "E", "F", "G", "H"];

    /// <summary>The estimated effects.</summary>
    public static IReadOnlyList<double> Effects { get; } = [28, 8, -3, 7, -1, 1, 18, 12];

    /// <summary>Their standard errors.</summary>
    public static IReadOnlyList<double> StandardErrors { get; } = [15, 10, 16, 11, 9, 11, 10, 18];

    /// <summary>The number of schools.</summary>
    public long Count => Sigma.shape[0];

    /// <summary>The classic data, as tensors of the caller's dispose scope.</summary>
    public static SchoolsData Classic() => new(tensor(StandardErrors.ToArray(), dtype: float64), tensor(Effects.ToArray(), dtype: float64));

    /// <summary>The same schools with the effects left to be drawn.</summary>
    public SchoolsData WithoutEffects() => this with { Y = null };
}
