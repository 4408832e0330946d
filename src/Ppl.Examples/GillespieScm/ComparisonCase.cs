using System.Text.RegularExpressions;
using Ppl.Examples.GillespieScm.Kinetics;

namespace Ppl.Examples.GillespieScm;

/// <summary>One row of the comparison: an intervention, a rate regime and the species read out.</summary>
/// <param name="Regime">Name of the rate regime (how fast X2 runs compared with X3).</param>
/// <param name="X2Timescale">Factor on both of X2's rate constants (the SCM does not change with it).</param>
/// <param name="Intervention">The do() applied to both models.</param>
/// <param name="Target">The species whose equilibrium law is compared (0-based).</param>
/// <param name="Expectation">What theory predicts for this row, in one word explained by <see cref="GillespieScmExample.ExpectationLegend"/>.</param>
internal sealed partial record ComparisonCase(string Regime, double X2Timescale, KineticIntervention Intervention, int Target, string Expectation)
{
    /// <summary>e.g. <c>do(X1 = 5) → X3, fast X2</c>.</summary>
    public string Label => $"{Intervention} → {Cascade.SpeciesName(Target)}, {Regime}";

    /// <summary>The label as a file name stem, e.g. <c>do-x1-5-x3-fast-x2-20</c>.</summary>
    public string FileStem => string.Join('-', NonWord().Split(Label.ToLowerInvariant()).Where(w => w.Length > 0));

    [GeneratedRegex(@"[^a-z0-9]+")]
    private static partial Regex NonWord();
}
