using System.Globalization;

namespace Ppl.Benchmarks.Steps;

/// <summary>Reads Linux's <c>/proc/…/stat</c> lines, for the modes that count per-process or per-thread work.</summary>
internal static class ProcStat
{
    /// <summary>
    /// The numeric <paramref name="fields"/> (numbered as in proc(5), from 1) of one read of the stat file at
    /// <paramref name="path"/>. The command name in field 2 may hold spaces, so fields are counted after its closing parenthesis.
    /// </summary>
    public static long[] Read(string path, params int[] fields)
    {
        string stat = File.ReadAllText(path);
        string[] after = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return [.. fields.Select(field => long.Parse(after[field - 3], CultureInfo.InvariantCulture))];
    }
}
