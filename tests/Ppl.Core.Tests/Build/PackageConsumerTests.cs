using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Ppl.Build;
using Xunit.Abstractions;

namespace Ppl.Tests.Build;

/// <summary>
/// README.md's section "Ppl in your own project", run as written: its shell commands (with
/// <c>~/ppl-packages</c> replaced by a temporary folder), its Program.cs, and the output it says
/// the program prints, checked against the closed-form posterior mean. The consumer project lives
/// outside the repository and restores into its own empty package folder, so a Ppl package left in
/// the user's NuGet cache by an earlier pack cannot stand in for the one packed here.
/// </summary>
[Trait(Stage.Key, Stage.Slow)]
[Trait("Category", "Slow")]
public sealed partial class PackageConsumerTests : IDisposable
{
    private const string SectionHeading = "## Ppl in your own project";
    private const string FeedInReadme = "~/ppl-packages";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(6);
    private static readonly string[] PackageIds = ["Ppl.Causal", "Ppl.Core", "Ppl.Inference"];

    private readonly DotnetCli _dotnet;
    private readonly ITestOutputHelper _output;
    private readonly string _root = Directory.CreateTempSubdirectory("ppl-package-consumer-").FullName;

    public PackageConsumerTests(ITestOutputHelper output)
    {
        _output = output;
        _dotnet = new DotnetCli(output);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Readme_packs_Ppl_and_a_new_console_project_outside_the_repository_runs_its_model()
    {
        string repository = LibTorchSharpPatcherTests.Metadata("Ppl.RepositoryRoot");
        Assert.False(_root.StartsWith(repository, StringComparison.Ordinal), $"{_root} is inside {repository}");
        string section = ReadmeSection(repository);
        var blocks = CodeBlocks(section);
        Assert.Equal(["sh", "sh", "csharp", "sh"], blocks.Select(b => b.Language));
        string feed = Path.Combine(_root, "ppl-packages");

        // 1. In the clone: pack. Its own artifacts folder, so nothing under src/*/bin or obj is
        //    written while test hosts run from the repository.
        string[] pack = [.. Commands(blocks[0].Text, feed).Single(), "--artifacts-path", Path.Combine(_root, "artifacts")];
        Assert.Equal(["pack", "-c", "Release", "-o", feed], pack[..5]);
        _dotnet.Run(repository, pack, CommandTimeout, out var packTime);
        AssertPackages(repository, feed);

        // 2. Outside it: a new console project with the local folder as a package source, restoring
        //    into an empty package folder; every other package comes from the user's cache.
        _dotnet.Environment["NUGET_PACKAGES"] = Path.Combine(_root, "nuget-packages");
        _dotnet.Environment["NUGET_FALLBACK_PACKAGES"] = CacheWithoutPpl();
        string directory = _root;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (string[] command in Commands(blocks[1].Text, feed))
        {
            if (command[0] == "cd")
            {
                directory = Path.Combine(directory, command[1]);
                continue;
            }

            _dotnet.Run(directory, command, CommandTimeout);
        }

        var createTime = clock.Elapsed;
        File.WriteAllText(Path.Combine(directory, "Program.cs"), blocks[2].Text);

        // 3. Run: the line the README says it prints, and that number is the posterior mean 9/14.
        string[] run = Commands(blocks[3].Text, feed).Single();
        Assert.Equal(["run"], run);
        string expected = PrintedLine().Match(section).Groups["line"].Value;
        Assert.StartsWith("posterior mean of p: ", expected, StringComparison.Ordinal);
        AssertPrints(directory, run, expected, out var firstRunTime);
        string native = Path.Combine(directory, "bin", "Debug", "net10.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.False(LibTorchSharpPatcher.NeedsPatch(native), $"{native} still has the strong GLIBCXX_3.4.32 need");
        string managed = Path.Combine(directory, "bin", "Debug", "net10.0", "TorchSharp.dll");
        Assert.False(TorchSharpScalarPatcher.NeedsPatch(managed), $"{managed} does not hold temporary Scalars (docs/design/scalar-lifetime.md)");

        // 4. An edit, then build and run again (the edit–build–run cycle of a user's project).
        File.AppendAllText(Path.Combine(directory, "Program.cs"), "// edited\n");
        AssertPrints(directory, run, expected, out var editRunTime);
        Assert.False(LibTorchSharpPatcher.NeedsPatch(native), $"{native} lost its patch in the incremental build");
        Assert.False(TorchSharpScalarPatcher.NeedsPatch(managed), $"{managed} lost its patch in the incremental build");

        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pack {packTime.TotalSeconds:F1} s, new project + restore {createTime.TotalSeconds:F1} s, first run {firstRunTime.TotalSeconds:F1} s, edit-build-run {editRunTime.TotalSeconds:F1} s"));
    }

    private void AssertPrints(string directory, string[] run, string expected, out TimeSpan elapsed)
    {
        string printed = _dotnet.Run(directory, run, CommandTimeout, out elapsed);
        Assert.Contains(expected, printed.Split('\n').Select(l => l.TrimEnd('\r')));
        var match = PosteriorMean().Match(printed);
        Assert.True(match.Success, printed);
        double mean = double.Parse(match.Groups["mean"].Value, CultureInfo.InvariantCulture);
        // posterior Beta(9, 5): sd 0.124; 20 000 prior draws keep the self-normalized estimate's
        // standard error near 0.002, and the print rounds to 0.001
        Assert.InRange(mean, (9.0 / 14) - 0.01, (9.0 / 14) + 0.01);
    }

    private static void AssertPackages(string repository, string feed)
    {
        var files = Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(PackageIds.Length, files.Count);
        for (int i = 0; i < PackageIds.Length; i++)
        {
            Assert.Matches($@"^{Regex.Escape(PackageIds[i])}\.\d+\.\d+\.\d+\.nupkg$", files[i]);
        }

        string torchSharpVersion = XDocument.Load(Path.Combine(repository, "Directory.Packages.props"))
            .Descendants("PackageVersion").Single(e => (string?)e.Attribute("Include") == "TorchSharp-cpu").Attribute("Version")!.Value;
        foreach (string id in PackageIds)
        {
            using var package = ZipFile.OpenRead(Directory.GetFiles(feed, $"{id}.*.nupkg").Single(f => Regex.IsMatch(Path.GetFileName(f), $@"^{Regex.Escape(id)}\.\d")));
            var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            Assert.Contains($"lib/net10.0/{id}.dll", entries);
            Assert.Contains($"lib/net10.0/{id}.xml", entries);
            Assert.Contains("README.md", entries);

            var metadata = Nuspec(package).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
            Assert.Equal("README.md", Field("readme"));
            Assert.NotEmpty(Field("description"));
            Assert.NotEmpty(Field("authors"));
            Assert.Contains("probabilistic-programming", Field("tags"), StringComparison.Ordinal);

            var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
                .ToDictionary(e => (string)e.Attribute("id")!, e => e);
            Assert.Equal(torchSharpVersion, (string?)dependencies["TorchSharp-cpu"].Attribute("version"));
            string? upstream = id switch { "Ppl.Inference" => "Ppl.Core", "Ppl.Causal" => "Ppl.Inference", _ => null };
            if (upstream != null)
            {
                // the native fix-up (build) and Ppl.Core's analyzers must reach whoever installs this package
                var dependency = dependencies[upstream];
                Assert.True(dependency.Attribute("exclude") == null, $"{id} excludes {dependency.Attribute("exclude")?.Value} of {upstream}");
            }
            else
            {
                foreach (string file in new[] { "Ppl.Core.targets", "LibTorchSharpPatch.cs", "TorchSharpScalarPatch.cs" })
                {
                    Assert.Contains($"build/{file}", entries);
                    Assert.Contains($"buildTransitive/{file}", entries);
                }

                // the build-time TorchSharp.dll patch finds Mono.Cecil in the consumer's package folder
                Assert.True(dependencies.ContainsKey("Mono.Cecil"), $"{id} does not make its consumers restore Mono.Cecil");

                // Ppl's analyzer (docs/analyzer.md) runs in every consumer's compiler
                Assert.Contains("analyzers/dotnet/cs/Ppl.Core.Analyzers.dll", entries);
            }
        }
    }

    private static XDocument Nuspec(ZipArchive package)
    {
        using var stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }

    /// <summary>
    /// The user's global package folder seen through symbolic links, without any Ppl.* package:
    /// TorchSharp and the rest restore without copying 1.2 GB of native libraries, while Ppl must
    /// come from the folder packed by this test.
    /// </summary>
    private string CacheWithoutPpl()
    {
        // <global packages>/torchsharp/<version>/runtimes/linux-x64/native/libLibTorchSharp.so
        string pristine = LibTorchSharpPatcherTests.Metadata("Ppl.PristineLibTorchSharp");
        var torchSharp = new DirectoryInfo(Path.GetDirectoryName(pristine)!);
        while (torchSharp.Name != "torchsharp")
        {
            torchSharp = torchSharp.Parent ?? throw new InvalidOperationException($"{pristine} is not in a NuGet package folder");
        }

        string view = Path.Combine(_root, "package-cache-without-ppl");
        Directory.CreateDirectory(view);
        foreach (var package in torchSharp.Parent!.EnumerateDirectories())
        {
            if (!package.Name.StartsWith("ppl.", StringComparison.Ordinal))
            {
                Directory.CreateSymbolicLink(Path.Combine(view, package.Name), package.FullName);
            }
        }

        return view;
    }

    private static string ReadmeSection(string repository)
    {
        string readme = File.ReadAllText(Path.Combine(repository, "README.md")).ReplaceLineEndings("\n");
        int start = readme.IndexOf(SectionHeading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no section '{SectionHeading}'");
        int end = readme.IndexOf("\n## ", start + SectionHeading.Length, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    private static List<(string Language, string Text)> CodeBlocks(string markdown) =>
        [.. CodeBlock().Matches(markdown).Select(m => (m.Groups["language"].Value, m.Groups["code"].Value))];

    /// <summary>The commands of a shell block, each split into words; <c>~/ppl-packages</c> becomes <paramref name="feed"/>.</summary>
    private static List<string[]> Commands(string block, string feed)
    {
        var commands = new List<string[]>();
        foreach (string line in block.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w == FeedInReadme ? feed : w).ToArray();
            Assert.True(words[0] is "dotnet" or "cd", $"the README's commands are dotnet commands and cd; this test cannot run '{line}'");
            Assert.DoesNotContain(words, w => w.Contains('~', StringComparison.Ordinal) || w.Contains('"', StringComparison.Ordinal));
            commands.Add(words[0] == "dotnet" ? words[1..] : words);
        }

        return commands;
    }

    [GeneratedRegex("```(?<language>[a-z]+)\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex("It prints `(?<line>[^`]+)`")]
    private static partial Regex PrintedLine();

    [GeneratedRegex(@"posterior mean of p: (?<mean>\d+\.\d+)")]
    private static partial Regex PosteriorMean();
}
