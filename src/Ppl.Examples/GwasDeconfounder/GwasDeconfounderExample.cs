using System.Globalization;

namespace Ppl.Examples.GwasDeconfounder;

/// <summary>
/// Simulation B of the deconfounder project: Wang &amp; Blei's synthetic GWAS with spatial population
/// structure, where the choice of factor model matters. For each structure parameter a it simulates
/// genotypes and a trait, fits PPCA, Poisson factorization and a logistic factor model, and scores the
/// per-SNP effects each adjustment gives (and no adjustment, and the true groups) against the truth,
/// with the paper's estimator and with plain least squares.
/// </summary>
public sealed class GwasDeconfounderExample : IExample
{
    /// <inheritdoc />
    public string Name => "deconfounder-gwas";

    /// <inheritdoc />
    public string Description => "The deconfounder's factor-model comparison on Wang & Blei's synthetic GWAS (Simulation B)";

    /// <inheritdoc />
    public IReadOnlyList<ExampleOption> Options { get; } =
    [
        new("structures", "The Beta(a, a) population-structure parameters, comma separated.", "0.1,0.25,0.5,1"),
        new("units", "People per data set.", "5000"),
        new("causes", "SNPs per data set.", "5000"),
        new("factors", "K of every factor model.", "3"),
        new("epochs", "SVI epochs per factor-model fit.", "20"),
    ];

    /// <inheritdoc />
    public ExampleResult Run(ExampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var d = GwasSettings.Default;
        var settings = options.Smoke ? GwasSettings.Smoke : d with
        {
            Units = (int)options.GetInt64("units", d.Units),
            Causes = (int)options.GetInt64("causes", d.Causes),
            Factors = (int)options.GetInt64("factors", d.Factors),
            Epochs = (int)options.GetInt64("epochs", d.Epochs),
            Structures = options.Get("structures", "0.1,0.25,0.5,1").Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToList(),
        };
        output.WriteLine($"Simulation B: {settings.Units:N0} people × {settings.Causes:N0} SNPs, K = {settings.Factors}, {settings.Epochs} epochs per fit; "
            + "'mean |err|' is Wang & Blei's per-SNP estimator (ridge 4 on unit-norm columns, 80% of the people), 'published' their result, 'LS+Ẑ' least squares adjusting for Ẑ.");
        output.WriteLine();
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (double a in settings.Structures)
        {
            var data = GwasSimulation.Generate(options.Seed, settings.Units, settings.Causes, a);
            var findings = ExampleProgress.Run(output, FormattableString.Invariant($"Simulation B, a = {a}"), 6, progress =>
            {
                int done = 0;
                return GwasAnalysis.Run(data, a, settings, options.Seed, status => progress.Report(done++, status));
            });
            foreach (var (key, value) in GwasReport.Write(output, findings))
            {
                values[key] = value;
            }
        }

        return new ExampleResult(values);
    }
}
