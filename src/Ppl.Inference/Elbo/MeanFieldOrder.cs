using Ppl.Diagnostics;

namespace Ppl.Inference;

/// <summary>
/// Pyro's <c>_check_mean_field_requirement</c> for <see cref="TraceMeanFieldElbo"/>: the sample
/// sites the model and the guide share must come in the same order. Same order is sufficient
/// (not necessary) for the analytic KL terms to be unbiased; when the guide draws a site before
/// one of the model's parents of it, the KL at the guide's draws is biased.
/// </summary>
internal static class MeanFieldOrder
{
    /// <summary>Warns (<see cref="PplWarnings"/>) when the shared sample sites come in different orders.</summary>
    public static void WarnIfDifferent(Trace model, Trace guide)
    {
        if (SameOrder(model, guide))
        {
            return;
        }

        var modelSites = Shared(model, guide).ToList();
        var guideSites = Shared(guide, model).ToList();
        PplWarnings.Warn(
            "Failed to verify mean field restriction on the guide. To eliminate this warning, ensure model and guide sites occur in the same order "
            + "(TraceMeanFieldElbo's analytic KL terms can be biased otherwise; TraceElbo has no such restriction).\n"
            + "Model sites:\n  " + string.Join("\n  ", modelSites) + "\nGuide sites:\n  " + string.Join("\n  ", guideSites));
    }

    /// <summary>Walks both sequences of shared names in step, without collecting them (the usual, silent case).</summary>
    private static bool SameOrder(Trace model, Trace guide)
    {
        using var m = Shared(model, guide).GetEnumerator();
        using var g = Shared(guide, model).GetEnumerator();
        while (true)
        {
            bool moreModel = m.MoveNext();
            bool moreGuide = g.MoveNext();
            if (moreModel != moreGuide)
            {
                return false;
            }

            if (!moreModel)
            {
                return true;
            }

            if (!string.Equals(m.Current, g.Current, StringComparison.Ordinal))
            {
                return false;
            }
        }
    }

    /// <summary>The names of <paramref name="trace"/>'s sample sites that <paramref name="other"/> also has, in order.</summary>
    private static IEnumerable<string> Shared(Trace trace, Trace other) =>
        trace.SampleSites.Where(s => other.Contains(s.Name)).Select(s => s.Name);
}
