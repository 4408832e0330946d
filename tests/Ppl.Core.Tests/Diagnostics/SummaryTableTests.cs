using static TorchSharp.torch;

namespace Ppl.Tests.Diagnostics;

/// <summary>The per-site table the printable results share: aligned, one row per element up to a bound.</summary>
public sealed class SummaryTableTests
{
    [Fact]
    public void RowsAreAlignedAndNamedByElement()
    {
        using var scope = NewDisposeScope();
        var table = new SummaryTable(["mean", "sd"]);
        table.AddSite("mu", [], tensor(0.5), tensor(0.125));
        table.AddSite("w", [2, 1], tensor(new[] { 1.0, -2.0 }).reshape(2, 1), tensor(new[] { 0.25, 3.0 }).reshape(2, 1));
        string expected = string.Join('\n',
            "site    shape   mean     sd",
            "mu      []       0.5  0.125",
            "w[0,0]  [2, 1]     1   0.25",
            "w[1,0]            -2      3");
        Assert.Equal(expected, table.ToString());
    }

    [Fact]
    public void ABigSiteShowsABoundedNumberOfRows()
    {
        using var scope = NewDisposeScope();
        var table = new SummaryTable(["mean"], maxElementsPerSite: 3);
        var values = arange(1_000_000L, dtype: ScalarType.Float64);
        table.AddSite("y", [1, 1_000_000], values.reshape(1, -1));
        var lines = table.ToString().Split('\n');
        Assert.Equal(["site  shape         mean", "y[0]  [1, 1000000]     0", "y[1]                   1", "y[2]                   2", "  … 999997 more"], lines);
    }
}
