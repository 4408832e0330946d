namespace Ppl.Testing;

/// <summary>Reads the rows of a printed summary table back: the last cells of the row whose first cell is a given label.</summary>
public static class PrintedTable
{
    public static string[] Cells(string printed, string label, int count) =>
        [.. Row(printed, label).Split(' ', StringSplitOptions.RemoveEmptyEntries).TakeLast(count)];

    /// <summary>The line whose first cell is <paramref name="label"/>.</summary>
    public static string Row(string printed, string label) =>
        printed.Split('\n').SingleOrDefault(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() == label)
            ?? throw new Xunit.Sdk.XunitException($"no row '{label}' in:\n{printed}");
}
