using Ppl.Examples;
using Ppl.Examples.Notears;

namespace Ppl.Tests.Examples.Notears;

[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class NotearsExampleTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("ppl-notears-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void SmokeRunLearnsDagsAnswersDoQueriesAndShowsAReversedEdge()
    {
        using var output = new StringWriter();
        var extra = new Dictionary<string, string>(StringComparer.Ordinal) { ["out"] = _out };
        var values = new NotearsExample().Run(new ExampleOptions(Seed: 0, Smoke: true, Extra: extra), output).Values;
        string text = output.ToString();

        // every output is a DAG, and on d = 5 with n = 200 NOTEARS gets most edges (2 seeds)
        Assert.Equal(values["ER2 d=5/runs"], values["ER2 d=5/dags"]);
        Assert.InRange(values["ER2 d=5/mean tpr"], 0.6, 1.0);
        Assert.InRange(values["ER2 d=5/mean shd"], 0.0, 4.0);

        // the learned SCM's sampled do() answers agree with its own closed form (Monte Carlo only) ...
        Assert.Contains("| E[x", text, StringComparison.Ordinal);
        Assert.True(values["loop/max standard error"] < 0.05, $"standard error {values["loop/max standard error"]}");
        Assert.True(values["loop/max error"] <= values["loop/max closed-form error"] + (5 * values["loop/max standard error"]));

        // ... and a reversed edge makes the interventional answer flat in x, while the truth moves
        Assert.Equal(0.0, values["reversal/learned slope"], 9);
        Assert.True(Math.Abs(values["reversal/true slope"]) > 0.3, $"true slope {values["reversal/true slope"]}");

        // the nonlinear comparison runs NOTEARS-MLP end to end (capped solves in smoke mode: no accuracy claim)
        Assert.Equal(1.0, values["nonlinear/runs"]);
        Assert.Equal(1.0, values["nonlinear/mlp dags"]);
        Assert.True(double.IsFinite(values["nonlinear/mlp mean shd"]) && double.IsFinite(values["nonlinear/linear mean shd"]));

        foreach (string picture in new[] { "weights.png", "dual-steps.png" })
        {
            Assert.True(new FileInfo(Path.Combine(_out, picture)).Length > 10_000, picture);
        }
    }

    [Theory]
    [InlineData("nodes", "7", "this run's cells are d = 5.")]
    [InlineData("graphs", "SF4", "this run's cells are ER2.")]
    public void CellFiltersThatLeaveNothingSayWhatExists(string option, string value, string hint)
    {
        var extra = new Dictionary<string, string>(StringComparer.Ordinal) { ["out"] = _out, [option] = value };
        var error = Assert.Throws<ArgumentException>(
            () => new NotearsExample().Run(new ExampleOptions(Seed: 0, Smoke: true, Extra: extra), TextWriter.Null));
        Assert.Contains(hint, error.Message, StringComparison.Ordinal);
    }
}
