using Ppl.Examples;
using Ppl.Examples.VaeMnist;
using SkiaSharp;

namespace Ppl.Tests.Examples.VaeMnist;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class VaeMnistExampleTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("ppl-vae-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void SmokeRunLearnsAndAgreesWithPlainTorchSharp()
    {
        using var output = new StringWriter();
        var result = new VaeMnistExample().Run(new ExampleOptions(Seed: 3, Smoke: true, Extra: new Dictionary<string, string> { ["out"] = _out }), output).Values;

        // 784 Bernoulli pixels at p = ½ cost 784·ln 2 ≈ 543 nats: after two epochs on bars the
        // test −ELBO must be well below that and below its first epoch's
        Assert.Equal(2, result["epochs"]);
        Assert.InRange(result["test_loss"], 100, 400);
        Assert.True(result["test_loss"] < result["first_test_loss"], "the test −ELBO should fall from epoch 1 to 2");

        // the same networks, batches and optimizer by hand: the ceiling is 1 nat
        Assert.InRange(result["test_gap"], 0, 1);
        Assert.InRange(result["time_ratio_median"], 0.01, 100);

        foreach (var picture in new[] { "reconstructions.png", "samples.png", "loss.png" })
        {
            using var bitmap = SKBitmap.Decode(Path.Combine(_out, picture));
            Assert.NotNull(bitmap);
        }

        Assert.True(File.Exists(Path.Combine(_out, "checkpoint", "history.csv")));
        Assert.DoesNotContain("\u001b[", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ResumingFinishesTheRemainingEpochsOnly()
    {
        var first = new VaeMnistExample().Run(new ExampleOptions(Seed: 3, Smoke: true, Extra: new Dictionary<string, string> { ["out"] = _out, ["epochs"] = "1", ["plain"] = "off" }), TextWriter.Null).Values;
        using var output = new StringWriter();
        var resumed = new VaeMnistExample().Run(new ExampleOptions(Seed: 3, Smoke: true, Extra: new Dictionary<string, string> { ["out"] = _out, ["epochs"] = "2", ["plain"] = "off", ["resume"] = "on" }), output).Values;
        var straight = new VaeMnistExample().Run(new ExampleOptions(Seed: 3, Smoke: true, Extra: new Dictionary<string, string> { ["out"] = Path.Combine(_out, "straight"), ["epochs"] = "2", ["plain"] = "off" }), TextWriter.Null).Values;

        Assert.Equal(1, first["epochs"]);
        Assert.Equal(1, resumed["epochs"]);
        Assert.Equal(straight["test_loss"], resumed["test_loss"]);
    }
}
