namespace Ppl.Testing;

/// <summary>Reads the first ```csharp block of a docs page section and the compiled file it must equal.</summary>
public static class DocSnippet
{
    /// <summary>The first csharp block after <paramref name="heading"/> in docs/<paramref name="page"/>, line endings normalized.</summary>
    public static string FirstBlockAfter(string page, string heading)
    {
        string text = File.ReadAllText(Path.Combine(Repository.Root, "docs", page));
        string section = text[text.IndexOf(heading, StringComparison.Ordinal)..];
        int start = section.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        return Normalize(section[start..section.IndexOf("```", start, StringComparison.Ordinal)]);
    }

    /// <summary>The test project's file tests/<paramref name="project"/>/Docs/<paramref name="name"/>, line endings normalized.</summary>
    public static string CompiledFile(string name, string project = "Ppl.Inference.Tests") =>
        Normalize(File.ReadAllText(Path.Combine(Repository.Root, "tests", project, "Docs", name)));

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
}
