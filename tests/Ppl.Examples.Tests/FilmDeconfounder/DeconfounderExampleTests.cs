using Ppl.Examples;
using Ppl.Examples.FilmDeconfounder;

namespace Ppl.Tests.Examples.FilmDeconfounder;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class DeconfounderExampleTests
{
    [Fact]
    public void SmokeRunReportsEveryStepAndItsAnswersAgree()
    {
        string outDir = Path.Combine(Path.GetTempPath(), "ppl-deconfounder-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var output = new StringWriter();
            var options = new ExampleOptions(Seed: 0, Smoke: true, Extra: new Dictionary<string, string> { ["out"] = outDir });
            var values = new DeconfounderExample().Run(options, output).Values;

            // the two routes to an effect are the same number; the counterfactual swap is the coefficients' difference
            Assert.True(values["two-ways max diff"] < 1e-3, $"adjustment vs do(): {values["two-ways max diff"]}");
            Assert.Equal(values["counterfactual coefficient difference"], values["counterfactual"], 4);

            // confounding is real in the simulation and adjusting for Ẑ removes much of it, even this small
            Assert.True(values["bond naive"] > 1, $"the planted actor's naive effect {values["bond naive"]}");
            Assert.True(values["rmse deconfounded single-cause"] < 0.5 * values["rmse naive single-cause (M₂ contrast)"]);
            Assert.True(values["rmse oracle single-cause (true Z)"] < values["rmse deconfounded single-cause"]);
            Assert.InRange(values["check p chosen"], 0.0, 1.0);

            string text = output.ToString();
            foreach (string section in new[] { "held-out ELBO", "Held-out predictive check", "Effects two ways", "RMSE", "ranked by the naive contrast", "Twin-world counterfactual" })
            {
                Assert.Contains(section, text, StringComparison.Ordinal);
            }

            foreach (string png in new[] { "effects.png", "check.png" })
            {
                var file = new FileInfo(Path.Combine(outDir, png));
                Assert.True(file.Exists && file.Length > 10_000, $"{png} is missing or nearly empty");
            }
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }

    [Fact]
    public void RealDataComeFromACsvAndAreAnalysedWithoutATruth()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ppl-deconfounder-csv-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var films = FilmSimulation.Generate(seed: 4, films: 600, actors: 60);
            string csv = Path.Combine(dir, "films.csv");
            var casting = films.Casting.data<float>().ToArray();
            var revenue = films.Revenue.data<float>().ToArray();
            var lines = new List<string> { "revenue," + string.Join(",", films.Actors) };
            for (int i = 0; i < 600; i++)
            {
                lines.Add(revenue[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "," + string.Join(",", casting.Skip(i * 61).Take(61).Select(v => v == 1 ? "1" : "0")));
            }

            File.WriteAllLines(csv, lines);
            var loaded = FilmCsv.Load(csv);
            Assert.True(loaded.Casting.equal(films.Casting).all().item<bool>());
            Assert.Null(loaded.Truth);

            using var output = new StringWriter();
            var options = new ExampleOptions(Seed: 0, Smoke: true, Extra: new Dictionary<string, string> { ["out"] = dir, ["csv"] = csv });
            var values = new DeconfounderExample().Run(options, output).Values;
            string text = output.ToString();
            Assert.Contains("films.csv: 600 films, 61 actors", text, StringComparison.Ordinal);
            Assert.DoesNotContain("RMSE", text, StringComparison.Ordinal);
            Assert.True(values["two-ways max diff"] < 1e-3);
            Assert.True(File.Exists(Path.Combine(dir, "check.png")));

            File.WriteAllLines(csv, ["revenue,a,b", "1.5,0,2"]);
            var e = Assert.Throws<FormatException>(() => FilmCsv.Load(csv));
            Assert.Contains("line 2, actor 'b'", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
