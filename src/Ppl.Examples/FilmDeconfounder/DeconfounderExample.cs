using Ppl.Inference.FactorModels;

namespace Ppl.Examples.FilmDeconfounder;

/// <summary>
/// The course project "Deconfounding film predictions" (Wang &amp; Blei, <i>The Blessings of Multiple
/// Causes</i>): which actors raise a film's revenue, when casting and revenue share confounders? On
/// simulated films with known effects: a factor model of the casting chosen by held-out ELBO and checked
/// by a held-out predictive check, the substitute confounder Ẑ, per-actor effects adjusted for it (by
/// the adjustment formula and by do() on the fitted program), naive, oracle and multi-cause
/// estimates against the truth, and a twin-world counterfactual.
/// </summary>
public sealed class DeconfounderExample : IExample
{
    /// <inheritdoc />
    public string Name => "deconfounder";

    /// <inheritdoc />
    public string Description => "The deconfounder on simulated films: factor model, predictive check, per-actor effects (Wang & Blei)";

    /// <inheritdoc />
    public IReadOnlyList<ExampleOption> Options { get; } =
    [
        new("seeds", "Simulated data sets, each analysed from scratch (seeds seed, seed+1, …).", "1"),
        new("epochs", "SVI epochs per factor-model fit (smoke: 30).", "100"),
        new("out", "Directory the PNG pictures are written to.", "deconfounder-plots"),
        new("csv", "Your own films instead of the simulation: a CSV with a header 'revenue,<actor>,…' and 0/1 casting (no truth to compare with).", ""),
    ];

    /// <inheritdoc />
    public ExampleResult Run(ExampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var settings = options.Smoke ? DeconfounderSettings.Smoke : DeconfounderSettings.Default with { Epochs = (int)options.GetInt64("epochs", 100) };
        int seeds = options.Smoke ? 1 : (int)options.GetInt64("seeds", 1);
        string outDir = options.Get("out", "deconfounder-plots");
        Directory.CreateDirectory(outDir);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int s = 0; s < seeds; s++)
        {
            long seed = options.Seed + s;
            string csv = options.Get("csv", string.Empty);
            var data = csv.Length > 0 ? FilmCsv.Load(csv) : FilmSimulation.Generate(seed, settings.Films, settings.Actors);
            output.WriteLine(csv.Length > 0
                ? $"{csv}: {data.Films:N0} films, {data.Actors.Count} actors; {data.Casting.mean().item<float>():P1} of the casting matrix is 1."
                : $"Simulation A, seed {seed}: {data.Films:N0} films, {settings.Actors} actors and the planted \"{FilmSimulation.PlantedName}\"; "
                + $"{data.Casting.mean().item<float>():P1} of the casting matrix is 1.");
            int steps = (2 * settings.Factors.Count) + 6 + ((settings.InterventionalCauses ?? (settings.Actors + 1)) / 50);
            var findings = ExampleProgress.Run(output, $"deconfounder seed {seed}", steps, progress =>
            {
                int done = 0;
                return DeconfounderAnalysis.Run(data, settings, seed, status => progress.Report(done++, status));
            });
            output.WriteLine();
            string prefix = seeds == 1 ? string.Empty : $"seed {seed}: ";
            foreach (var (key, value) in DeconfounderReport.Write(output, data, findings, prefix))
            {
                values[key] = value;
            }

            if (s == 0)
            {
                var pictures = new List<string> { Path.Combine(outDir, "check.png") };
                DeconfounderPictures.Check(pictures[0], findings.Chosen, findings.Check, findings.IndependentCheck);
                if (data.Truth is not null)
                {
                    pictures.Add(Path.Combine(outDir, "effects.png"));
                    DeconfounderPictures.Effects(pictures[1], data, findings.Estimates);
                }

                output.WriteLine();
                output.WriteLine($"Pictures: {string.Join(", ", pictures)}");
            }

            output.WriteLine();
        }

        return new ExampleResult(values);
    }
}
