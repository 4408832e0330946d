using Ppl.Examples;
using Ppl.Examples.SsVaeMnist;

namespace Ppl.Tests.Examples.SsVaeMnist;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class SsVaeMnistExampleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ppl-ssvae-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SmokeRunLearnsTheSyntheticClassesFromAFewLabels()
    {
        using var output = new StringWriter();
        var extra = new Dictionary<string, string>(StringComparer.Ordinal) { ["out"] = _folder };
        var result = new SsVaeMnistExample().Run(new ExampleOptions(Seed: 2, Smoke: true, Extra: extra), output).Values;

        // ten bar classes, 10 labels each: chance is 10%; the classifier must be far above it
        Assert.InRange(result["accuracy"], 0.8, 1.0);
        // per-image −ELBO starts near 784·log 2 ≈ 543 nats and must fall well below it
        Assert.True(result["loss.last"] < result["loss.first"] - 100, $"train loss {result["loss.first"]:F1} → {result["loss.last"]:F1}");
        Assert.True(result["test_loss.last"] < result["test_loss.first"] - 50, $"test −ELBO {result["test_loss.first"]:F1} → {result["test_loss.last"]:F1}");
        Assert.True(result["test_loss.last"] < 400);
        Assert.True(new FileInfo(Path.Combine(_folder, "samples.png")).Length > 0);
        Assert.True(new FileInfo(Path.Combine(_folder, "analogies.png")).Length > 0);

        string text = output.ToString();
        Assert.Contains("Kingma et al. 2014, M2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", text, StringComparison.Ordinal);
    }
}
