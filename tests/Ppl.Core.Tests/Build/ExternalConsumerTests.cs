using System.Diagnostics;
using System.Text;
using Ppl.Build;
using Xunit.Abstractions;

namespace Ppl.Tests.Build;

/// <summary>
/// A program outside the repository that references Ppl.Core.csproj by path gets neither
/// Directory.Build.targets nor the package's buildTransitive targets; it must still end up with a
/// loadable libLibTorchSharp.so (src/Ppl.Core/build/Ppl.Core.ProjectReference.targets).
/// </summary>
[Trait("Category", "Slow")]
public sealed class ExternalConsumerTests : IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    private readonly ITestOutputHelper _output;
    private readonly string _root = Directory.CreateTempSubdirectory("ppl-consumer-").FullName;

    public ExternalConsumerTests(ITestOutputHelper output) => _output = output;

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
        string printed = Dotnet([dll], RunTimeout);
        Assert.Contains("ones=3 finite=True", printed, StringComparison.Ordinal);
    }

    private string Dotnet(string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = _root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host inherits MSBuild's variables from `dotnet test`; a nested build must not.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        var log = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool timedOut = !process.WaitForExit(timeout);
        if (timedOut)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.WaitForExit(); // drains the redirected streams
        string text;
        lock (log)
        {
            text = log.ToString();
        }

        _output.WriteLine($"$ dotnet {string.Join(' ', arguments)}  ({clock.Elapsed.TotalSeconds:F1} s, exit {process.ExitCode})");
        _output.WriteLine(text);
        Assert.True(!timedOut && process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} {(timedOut ? "timed out" : $"exited {process.ExitCode}")} after {clock.Elapsed.TotalSeconds:F0} s:\n{text}");
        return text;
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line != null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        string? current = Environment.ProcessPath;
        return current != null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}
