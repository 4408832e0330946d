using Ppl.Examples;
using Ppl.Examples.CausalVae;

namespace Ppl.Tests.Examples.CausalVae;

/// <summary>
/// The causal-vae example's smoke run (issue #20): 2,000 units from the SCM, 2 epochs; the −ELBO
/// falls, every held-out score is an IoU, the pictures are written, and the options are checked.
/// </summary>
[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class CausalVaeExampleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ppl-causal-vae-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SmokeRunLowersTheLossScoresTheQueriesAndDrawsThePictures()
    {
        using var output = new StringWriter();
        var extra = new Dictionary<string, string>(StringComparer.Ordinal) { ["out"] = _folder };
        var result = new CausalVaeExample().Run(new ExampleOptions(Seed: 3, Smoke: true, Extra: extra), output).Values;

        Assert.Equal(2, result["epochs"]);
        // 4,096 pixels start near 4096·log 2 ≈ 2,839 nats; two epochs must bring the bound well down
        Assert.True(result["loss.last"] < result["loss.first"] - 100, $"train loss {result["loss.first"]:F1} → {result["loss.last"]:F1}");
        Assert.True(result["test_loss.last"] < result["test_loss.first"], $"test −ELBO {result["test_loss.first"]:F1} → {result["test_loss.last"]:F1}");
        foreach (var name in new[] { "iou.reconstruction", "iou.labels_only", "iou.counterfactual", "iou.shape_only_edit", "iou.interventional" })
        {
            Assert.InRange(result[name], 0.0, 1.0);
        }

        // the generator's shape-only edit is never the counterfactual truth once children move
        Assert.InRange(result["iou.truth_of_shape_only_edit"], 0.2, 0.7);
        Assert.InRange(result["children_changed"], 0.5, 1.0);
        foreach (var picture in new[] { "dag.png", "elbo.png", "reconstructions.png", "counterfactuals.png", "scale-sweeps.png" })
        {
            Assert.True(new FileInfo(Path.Combine(_folder, picture)).Length > 0, picture);
        }

        string text = output.ToString();
        Assert.Contains("counterfactual do(shape = s′)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void FullAndSmokeTogetherAreRejected()
    {
        var extra = new Dictionary<string, string>(StringComparer.Ordinal) { ["full"] = "true", ["out"] = _folder };
        var e = Assert.Throws<ArgumentException>(() => new CausalVaeExample().Run(new ExampleOptions(Smoke: true, Extra: extra), TextWriter.Null));
        Assert.Contains("--full and --smoke", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FullRunTrainsOnAGridsWorthOfUnitsForTenEpochsByDefault()
    {
        var full = CausalVaeSettings.From(new ExampleOptions(Extra: new Dictionary<string, string>(StringComparer.Ordinal) { ["full"] = "true" }));
        var standard = CausalVaeSettings.From(new ExampleOptions());

        Assert.Equal(737_280, full.Images);
        Assert.Equal(10, full.Epochs);
        Assert.Equal(60_000, standard.Images);
        Assert.Equal(15, standard.Epochs);
        Assert.Equal(1000, standard.Test);
    }

    [Fact]
    public void AFlagWithAValueOtherThanTrueOrFalseIsRejected()
    {
        var options = new ExampleOptions(Extra: new Dictionary<string, string>(StringComparer.Ordinal) { ["full"] = "yes" });
        var e = Assert.Throws<ArgumentException>(() => options.GetFlag("full"));
        Assert.Contains("--full is a flag", e.Message, StringComparison.Ordinal);
        Assert.False(new ExampleOptions().GetFlag("full"));
    }
}
