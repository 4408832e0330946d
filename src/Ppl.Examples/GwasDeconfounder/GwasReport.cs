using System.Globalization;

namespace Ppl.Examples.GwasDeconfounder;

/// <summary>Prints Simulation B's table next to the published one and returns its numbers.</summary>
internal static class GwasReport
{
    /// <summary>Writes the table of <paramref name="findings"/>; the values are keyed "a=…/method/metric".</summary>
    public static IEnumerable<KeyValuePair<string, double>> Write(TextWriter output, GwasFindings findings)
    {
        var none = findings.Methods.Single(x => x.Name == "no control");
        output.WriteLine(FormattableString.Invariant($"a = {findings.Structure}: {findings.Causes} SNPs with variation. Per-SNP effects, error against the truth (×10⁻²)"));
        output.WriteLine(FormattableString.Invariant($"  {"adjustment",-24} {"mean |err|",10} {"vs none",8} {"published",10} {"vs none",8} {"RMSE",7} {"LS+Ẑ RMSE",10}"));
        double? publishedNone = GwasPublished.Error(findings.Structure, none.Name);
        foreach (var method in findings.Methods)
        {
            double? published = GwasPublished.Error(findings.Structure, method.Name);
            string pub = published is { } p ? (100 * p).ToString("F2", CultureInfo.InvariantCulture) : "–";
            string pubRatio = published is { } q && publishedNone is { } n ? (q / n).ToString("F3", CultureInfo.InvariantCulture) : "–";
            output.WriteLine(FormattableString.Invariant(
                $"  {method.Name,-24} {100 * method.PaperError,10:F2} {method.PaperError / none.PaperError,8:F3} {pub,10} {pubRatio,8} {100 * method.PaperRmse,7:F2} {100 * method.LeastSquaresRmse,10:F2}"));
            string key = FormattableString.Invariant($"a={findings.Structure}/{method.Name}");
            yield return new($"{key}/mean abs error", method.PaperError);
            yield return new($"{key}/ratio to none", method.PaperError / none.PaperError);
            yield return new($"{key}/least squares rmse", method.LeastSquaresRmse);
        }

        output.WriteLine();
    }
}
