using System.Text.RegularExpressions;

namespace Ppl.Tests.Examples.Docs;

/// <summary>Finds the ```csharp blocks of README.md and docs/**/*.md and the markers above them.</summary>
internal static partial class DocBlockReader
{
    /// <summary>Every ```csharp block of README.md and of every page under docs/, design notes included.</summary>
    public static IReadOnlyList<DocBlock> ReadAll()
    {
        string root = RepositoryRoot();
        var pages = new List<string> { Path.Combine(root, "README.md") };
        pages.AddRange(Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        return [.. pages.SelectMany(path => Read(Path.GetRelativePath(root, path).Replace('\\', '/'), File.ReadAllText(path)))];
    }

    /// <summary>The ```csharp blocks of one page's Markdown text.</summary>
    public static IReadOnlyList<DocBlock> Read(string page, string markdown)
    {
        string[] lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var blocks = new List<DocBlock>();
        DocBlock? previousRunnable = null;
        for (int i = 0; i < lines.Length; i++)
        {
            var open = OpeningFence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            int indent = open.Groups["indent"].Length;
            string fence = open.Groups["fence"].Value;
            bool csharp = open.Groups["info"].Value is "csharp" or "cs" or "c#";
            int close = i + 1;
            while (close < lines.Length && !(lines[close].TrimStart().StartsWith(fence, StringComparison.Ordinal) && lines[close].Trim().Trim(fence[0]).Length == 0))
            {
                close++;
            }

            if (csharp)
            {
                string code = string.Join('\n', lines[(i + 1)..Math.Min(close, lines.Length)].Select(line => Unindent(line, indent)));
                var block = WithMarker(page, i + 1, code, MarkerAbove(lines, i), previousRunnable);
                blocks.Add(block);
                if (block.Kind != DocBlockKind.NotRun)
                {
                    previousRunnable = block;
                }
            }

            i = close;
        }

        return blocks;
    }

    /// <summary>The repository root: the first folder above the test binaries holding Ppl.sln.</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Ppl.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Ppl.sln not found above the test folder.");
    }

    private static DocBlock WithMarker(string page, int line, string code, string? marker, DocBlock? previousRunnable)
    {
        if (marker is null)
        {
            return new DocBlock(page, line, code, DocBlockKind.Complete, null, null, false);
        }

        var match = Marker().Match(marker);
        string word = match.Groups["word"].Value;
        string rest = match.Groups["rest"].Value.Trim();
        switch (word)
        {
            case "fragment" when rest.Length == 0:
                return new DocBlock(page, line, code, DocBlockKind.Fragment, null, null, false);
            case "fragment" when rest == ": continues" && previousRunnable is not null:
                return new DocBlock(page, line, code, DocBlockKind.Fragment, previousRunnable, null, false);
            case "fragment" when rest == ": continues":
                return Malformed(page, line, code, "is marked 'fragment: continues' but no runnable ```csharp block comes before it on the page");
            case "not-run" when rest.StartsWith(':') && rest[1..].Trim().Length > 0:
                return new DocBlock(page, line, code, DocBlockKind.NotRun, null, rest[1..].Trim(), false);
            default:
                return Malformed(page, line, code, $"has the marker '{marker.Trim()}', which the harness does not know. Markers: "
                    + "'<!-- fragment -->', '<!-- fragment: continues -->', '<!-- not-run: <reason> -->' (see docs/design/doc-blocks.md)");
        }
    }

    private static DocBlock Malformed(string page, int line, string code, string problem) =>
        new(page, line, code, DocBlockKind.Complete, null, $"{page}:{line}: the block {problem}", true);

    // The last non-blank line above the fence, if it is an HTML comment naming a doc-test marker.
    private static string? MarkerAbove(string[] lines, int fence)
    {
        int i = fence - 1;
        while (i >= 0 && lines[i].Trim().Length == 0)
        {
            i--;
        }

        return i >= 0 && Marker().IsMatch(lines[i]) ? lines[i] : null;
    }

    private static string Unindent(string line, int indent)
    {
        int strip = 0;
        while (strip < indent && strip < line.Length && line[strip] == ' ')
        {
            strip++;
        }

        return line[strip..];
    }

    [GeneratedRegex(@"^(?<indent> *)(?<fence>```+|~~~+)\s*(?<info>[^`\s]*)(\s.*)?$")]
    private static partial Regex OpeningFence();

    [GeneratedRegex(@"^\s*<!--\s*(?<word>fragment|not-run)\b(?<rest>.*?)\s*-->\s*$")]
    private static partial Regex Marker();
}
