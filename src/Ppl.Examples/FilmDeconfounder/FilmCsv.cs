using System.Globalization;
using static TorchSharp.torch;

namespace Ppl.Examples.FilmDeconfounder;

/// <summary>
/// Reads a film data set from CSV: a header <c>revenue,&lt;actor&gt;,&lt;actor&gt;,…</c>, then one line per
/// film with its revenue and a 0 or 1 per actor (e.g. TMDB 5000's credits turned into a cast matrix).
/// </summary>
internal static class FilmCsv
{
    /// <summary>The films of <paramref name="path"/>, with no truth attached.</summary>
    /// <exception cref="FormatException">The header or a line does not have that form; the message names the line.</exception>
    public static FilmData Load(string path)
    {
        var lines = File.ReadLines(path).Where(l => l.Length > 0).ToList();
        if (lines.Count < 2)
        {
            throw new FormatException($"{path}: expected a header and at least one film; found {lines.Count} non-empty line(s).");
        }

        var header = lines[0].Split(',');
        if (header.Length < 2 || !header[0].Trim().Equals("revenue", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"{path}, line 1: the header must be 'revenue,<actor>,<actor>,…'; got '{lines[0]}'.");
        }

        int actors = header.Length - 1;
        var casting = new float[(lines.Count - 1) * actors];
        var revenue = new float[lines.Count - 1];
        for (int i = 1; i < lines.Count; i++)
        {
            var cells = lines[i].Split(',');
            if (cells.Length != header.Length || !float.TryParse(cells[0], NumberStyles.Float, CultureInfo.InvariantCulture, out revenue[i - 1]))
            {
                throw new FormatException($"{path}, line {i + 1}: expected a revenue and {actors} casting values; got '{lines[i]}'.");
            }

            for (int j = 0; j < actors; j++)
            {
                casting[((i - 1) * actors) + j] = cells[j + 1].Trim() switch
                {
                    "0" => 0f,
                    "1" => 1f,
                    var other => throw new FormatException($"{path}, line {i + 1}, actor '{header[j + 1]}': casting values are 0 or 1; got '{other}'."),
                };
            }
        }

        return new FilmData(tensor(casting, lines.Count - 1, actors), tensor(revenue), header.Skip(1).Select(h => h.Trim()).ToList(), null);
    }
}
