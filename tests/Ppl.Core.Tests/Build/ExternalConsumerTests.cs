using Ppl.Build;
using Xunit.Abstractions;

namespace Ppl.Tests.Build;

/// <summary>
/// A program outside the repository that references Ppl.Core.csproj by path gets neither
/// Directory.Build.targets nor the package's buildTransitive targets; it must still end up with a
/// loadable libLibTorchSharp.so (src/Ppl.Core/build/Ppl.Core.ProjectReference.targets).
/// </summary>
[Trait(Stage.Key, Stage.Slow)]
[Trait("Category", "Slow")]
public sealed class ExternalConsumerTests : IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    private readonly DotnetCli _dotnet;
    private readonly string _root = Directory.CreateTempSubdirectory("ppl-consumer-").FullName;

    public ExternalConsumerTests(ITestOutputHelper output) => _dotnet = new DotnetCli(output);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Project_reference_consumer_outside_the_repository_builds_and_runs()
    {
        string repository = LibTorchSharpPatcherTests.Metadata("Ppl.RepositoryRoot");
        string coreProject = Path.Combine(repository, "src", "Ppl.Core", "Ppl.Core.csproj");
        Assert.False(_root.StartsWith(repository, StringComparison.Ordinal), $"{_root} is inside {repository}");

        string app = Path.Combine(_root, "app");
        Directory.CreateDirectory(app);
        foreach (string file in Directory.GetFiles(Path.Combine(repository, "tests", "ExternalConsumer")))
        {
            File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        }

        string project = Path.Combine(app, "ExternalConsumer.csproj");
        string text = File.ReadAllText(project);
        const string RelativeReference = "../../src/Ppl.Core/Ppl.Core.csproj";
        Assert.Contains(RelativeReference, text, StringComparison.Ordinal);
        File.WriteAllText(project, text.Replace(RelativeReference, coreProject, StringComparison.Ordinal));

        // Its own artifacts folder, Ppl.Core's build included: nothing under src/Ppl.Core/bin or obj
        // is written while the test host (and maybe other test assemblies) run from the repository.
        string artifacts = Path.Combine(_root, "artifacts");
        string[] build = ["build", project, "--artifacts-path", artifacts, "--disable-build-servers", "-nologo", "-clp:ErrorsOnly"];

        Dotnet(build, BuildTimeout);
        // the patched copy goes to the consumer's own intermediate folder, never into the source tree
        Assert.Contains(Directory.GetFiles(artifacts, "libLibTorchSharp.so", SearchOption.AllDirectories), f => f.Contains("ppl-native", StringComparison.Ordinal));
        string misplaced = Path.Combine(repository, "src", "Ppl.Core", _root.TrimStart(Path.DirectorySeparatorChar));
        Assert.False(Directory.Exists(misplaced), $"the build wrote under the source tree: {misplaced}");
        string dll = Directory.GetFiles(Path.Combine(artifacts, "bin"), "ExternalConsumer.dll", SearchOption.AllDirectories).Single();
        string native = Path.Combine(Path.GetDirectoryName(dll)!, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        AssertRunsAndIsWeak(dll, native);

        // Incremental build: the package's copy-local step must not put the unpatched file back.
        File.AppendAllText(Path.Combine(app, "Program.cs"), "// changed\n");
        Dotnet(build, BuildTimeout);
        AssertRunsAndIsWeak(dll, native);
    }

    private void AssertRunsAndIsWeak(string dll, string native)
    {
        Assert.False(LibTorchSharpPatcher.NeedsPatch(native), $"{native} still has the strong GLIBCXX_3.4.32 need");
        string managed = Path.Combine(Path.GetDirectoryName(dll)!, "TorchSharp.dll");
        Assert.False(TorchSharpScalarPatcher.NeedsPatch(managed), $"{managed} does not hold temporary Scalars (docs/design/scalar-lifetime.md)");
        string printed = Dotnet([dll], RunTimeout);
        Assert.Contains("ones=3 finite=True", printed, StringComparison.Ordinal);
    }

    private string Dotnet(string[] arguments, TimeSpan timeout) => _dotnet.Run(_root, arguments, timeout);
}
