using Ppl.Examples.Readme;

namespace Ppl.Tests.Examples.Readme;

/// <summary>The README's model example is the compiled file src/Ppl.Examples/Readme/ReadmeExample.cs, word for word, and it runs.</summary>
[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class ReadmeExampleTests
{
    [Fact]
    public void ReadmeSnippetIsTheCompiledExample()
    {
        string root = RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        string source = File.ReadAllText(Path.Combine(root, "src", "Ppl.Examples", "Readme", "ReadmeExample.cs"));
        string compiled = Between(source, "// <readme>\n", "// </readme>");
        string snippet = Between(readme, "```csharp\n", "```");
        Assert.Equal(Normalize(compiled), Normalize(snippet));
        Assert.True(snippet.Split('\n').Length <= 32, "the README example should stay short");
    }

    [Fact]
    public void ReadmeExampleGivesTheInterventionalMean()
    {
        const long n = 100_000;
        double mean = ReadmeExample.InterventionalMean(n);

        // Y | do(X=1) = 2 + 3U + ε has variance 9 + 1, so the standard error is √(10/n)
        double se = Math.Sqrt(10.0 / n);
        Assert.InRange(mean, 2 - (5 * se), 2 + (5 * se));
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    private static string Between(string text, string start, string end)
    {
        int from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"marker '{start.Trim()}' not found");
        from += start.Length;
        int to = text.IndexOf(end, from, StringComparison.Ordinal);
        Assert.True(to >= 0, $"marker '{end.Trim()}' not found");
        return text[from..to];
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Ppl.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Ppl.sln not found above the test folder.");
    }
}
