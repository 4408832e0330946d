using Ppl.Examples;

namespace Ppl.Tests.Examples;

public sealed class ExampleProgressTests
{
    [Fact]
    public void RedirectedOutputGetsAStartLinePeriodicLinesAndADoneLine()
    {
        using var output = new StringWriter();
        // a zero interval writes a line at every report
        int answer = ExampleProgress.Run(output, "fit", 4, progress =>
        {
            for (int step = 1; step <= 4; step++)
            {
                progress.Report(step, $"loss {10 - step}");
            }

            return 42;
        }, terminal: false, interval: TimeSpan.Zero);

        Assert.Equal(42, answer);
        string[] lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("fit: started", lines[0]);
        Assert.StartsWith("fit: 25% (loss 9), ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("fit: 100% (loss 6), ", lines[4], StringComparison.Ordinal);
        Assert.StartsWith("fit: done in ", lines[5], StringComparison.Ordinal);
        Assert.Equal(6, lines.Length);
    }

    [Fact]
    public void AnEarlyStopEndsWithDoneNotWithAStalePercentage()
    {
        using var output = new StringWriter();
        ExampleProgress.Run(output, "SVI", 10_000, progress =>
        {
            progress.Report(200, null);
            return 0;
        }, terminal: false, interval: TimeSpan.Zero);

        string[] lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("SVI: 2%", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("SVI: done in ", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void ReportsWithinTheIntervalAreNotPrinted()
    {
        using var output = new StringWriter();
        ExampleProgress.Run(output, "long", 1000, progress =>
        {
            for (int i = 0; i < 1000; i++)
            {
                progress.Report(i, null);
            }

            return 0;
        }, terminal: false, interval: TimeSpan.FromHours(1));

        Assert.Equal(["long: started"], output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)[..1]);
        Assert.Equal(2, output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void TheTerminalBarEndsFullAfterAnEarlyStop()
    {
        // a bar drawn into a writer: Spectre renders its final state when the phase ends
        using var output = new StringWriter();
        ExampleProgress.Run(output, "SVI", 10_000, progress =>
        {
            progress.Report(200, "loss 3.5");
            return 0;
        }, terminal: true);

        string text = output.ToString();
        Assert.Contains("100%", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" 2%", text, StringComparison.Ordinal);
    }
}
