using System.Text.RegularExpressions;

namespace Ppl.Tests.Build;

/// <summary>
/// The test projects mirror src/ (docs/design/style-guide.md, "A test"): a test of
/// src/Ppl.X/Folder/Type.cs lives in tests/Ppl.X.Tests/Folder/ with namespace
/// Ppl.Tests.X.Folder (Ppl.Tests.Folder for Ppl.Core, whose namespaces have no Core), so a reader
/// finds the tests of a file, and a folder with no src counterpart shows up here.
/// </summary>
public sealed partial class TestLayoutTests
{
    // folders that mirror something other than src/: the docs pages their files are compiled from,
    // and the child process that probes native aborts
    private static readonly string[] NonSourceFolders = ["Docs", "Aborts"];

    public static TheoryData<string> Areas => new() { "Core", "Inference", "Causal", "Examples" };

    [Theory]
    [MemberData(nameof(Areas))]
    public void EveryTestFolderMirrorsASourceFolder(string area)
    {
        string tests = Path.Combine(Repository.Root, "tests", $"Ppl.{area}.Tests");
        string src = Path.Combine(Repository.Root, "src", $"Ppl.{area}");
        var stray = SourceFiles(tests)
            .Select(f => Path.GetDirectoryName(Path.GetRelativePath(tests, f))!)
            .Where(folder => folder.Length > 0)
            .Distinct()
            .Where(folder => !NonSourceFolders.Contains(folder.Split(Path.DirectorySeparatorChar)[0], StringComparer.Ordinal)
                && !Directory.Exists(Path.Combine(src, folder))
                && !Directory.Exists(Path.Combine(src, folder.ToLowerInvariant())))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(stray.Count == 0, $"tests/Ppl.{area}.Tests has folders with no counterpart in src/Ppl.{area}: {string.Join(", ", stray)}");
    }

    [Theory]
    [MemberData(nameof(Areas))]
    public void EveryTestNamespaceFollowsItsFolder(string area)
    {
        string tests = Path.Combine(Repository.Root, "tests", $"Ppl.{area}.Tests");
        string root = area == "Core" ? "Ppl.Tests" : $"Ppl.Tests.{area}";
        var wrong = new List<string>();
        foreach (var file in SourceFiles(tests))
        {
            string folder = Path.GetDirectoryName(Path.GetRelativePath(tests, file))!;
            string expected = folder.Length == 0 ? root : $"{root}.{folder.Replace(Path.DirectorySeparatorChar, '.')}";
            var declared = NamespaceLine().Match(File.ReadAllText(file));
            // files compiled from the docs declare the reader's own namespace
            if (declared.Success && declared.Groups[1].Value != expected && declared.Groups[1].Value != "MyModels")
            {
                wrong.Add($"{Path.GetRelativePath(tests, file)}: {declared.Groups[1].Value}, expected {expected}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private static IEnumerable<string> SourceFiles(string project) =>
        Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
            .Where(f =>
            {
                var first = Path.GetRelativePath(project, f).Split(Path.DirectorySeparatorChar)[0];
                return first is not ("bin" or "obj");
            });

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();
}
