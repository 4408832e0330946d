using Ppl.Examples;
using Ppl.Examples.EightSchools;

namespace Ppl.Tests.Examples.EightSchools;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class EightSchoolsExampleTests
{
    [Fact]
    public void SmokeRunSamplesBothParametrizationsAndChecksTheFit()
    {
        string outDir = Path.Combine(Path.GetTempPath(), "ppl-eight-schools-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var output = new StringWriter();
            var values = new EightSchoolsExample().Run(new ExampleOptions(Seed: 0, Smoke: true, Extra: new Dictionary<string, string> { ["out"] = outDir }), output).Values;
            string text = output.ToString();

            // 2 chains x 150 draws; the posterior means of long runs are E[mu] = 4.4 (sd 3.3) and
            // E[tau] = 3.6 (sd 3.2): 300 draws put them within a few units
            Assert.Equal(300, values["draws"]);
            Assert.InRange(values["non-centered mu mean"], 0, 9);
            Assert.InRange(values["non-centered tau mean"], 0.5, 10);
            Assert.InRange(values["non-centered max r hat"], 0.99, 1.1);
            Assert.True(values["non-centered min bulk ess"] > 50, $"bulk ESS {values["non-centered min bulk ess"]}");
            // no funnel in the non-centered coordinates: (next to) no divergences, and the draws reach
            // far deeper into small tau than the centered sampler, which diverges at the funnel's neck
            Assert.InRange(values["non-centered divergences"], 0, 3);
            Assert.True(values["non-centered smallest log tau"] < values["centered smallest log tau"] - 1, $"smallest log tau: non-centered {values["non-centered smallest log tau"]}, centered {values["centered smallest log tau"]}");
            Assert.True(values["centered tau bulk ess"] < values["non-centered tau bulk ess"], "the centered chains should mix worse in tau");

            // the school effects shrink towards each other: the data spread 31 points, the posterior means a few
            double[] thetaMeans = [.. SchoolsData.Names.Select(s => values[$"theta mean {s}"])];
            Assert.True(thetaMeans.Max() - thetaMeans.Min() < 0.5 * (28 - (-3)), $"posterior means of theta {string.Join(", ", thetaMeans)}");
            for (int j = 0; j < SchoolsData.Names.Count; j++)
            {
                string school = SchoolsData.Names[j];
                double sigma = SchoolsData.StandardErrors[j];
                // a replicate is theta_j plus N(0, sigma_j²) noise, and theta_j's posterior sd is about 5-7:
                // sd(y_rep_j) lies between sigma_j and sqrt(sigma_j² + 10²), give or take its own 5 % error
                Assert.InRange(values[$"ppc sd {school}"], 0.9 * sigma, 1.1 * Math.Sqrt((sigma * sigma) + 100));
                // the model reproduces every school: no predictive p-value in the extreme tails
                Assert.InRange(values[$"ppc p {school}"], 0.02, 0.98);
            }

            Assert.Contains("The non-centered model:", text, StringComparison.Ordinal);
            Assert.Contains("theta_tilde[0]", text, StringComparison.Ordinal);
            Assert.Contains("ess_bulk", text, StringComparison.Ordinal);
            Assert.Contains("r_hat", text, StringComparison.Ordinal);
            Assert.Contains($"Number of divergences: {values["centered divergences"]}", text, StringComparison.Ordinal);
            Assert.Contains("P(y_rep >= y)", text, StringComparison.Ordinal);

            var png = Path.Combine(outDir, EightSchoolsExample.PictureName);
            Assert.True(File.Exists(png));
            Assert.True(new FileInfo(png).Length > 20_000, $"{png}: {new FileInfo(png).Length} bytes");
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }
}
