using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace Ppl.Tests.Build;

/// <summary>
/// Runs the dotnet CLI as a child process for the tests that build projects outside the
/// repository: no MSBuild variables inherited from `dotnet test`, no build servers left behind
/// (they would keep the redirected output open), output and elapsed time written to the test log,
/// and a failed or timed-out command fails the test with its output.
/// </summary>
internal sealed class DotnetCli
{
    private readonly ITestOutputHelper _output;

    public DotnetCli(ITestOutputHelper output) => _output = output;

    /// <summary>Extra environment variables for every command (for example an isolated NUGET_PACKAGES).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/> and returns its output.</summary>
    public string Run(string workingDirectory, IReadOnlyList<string> arguments, TimeSpan timeout) =>
        Run(workingDirectory, arguments, timeout, out _);

    /// <summary>As <see cref="Run(string, IReadOnlyList{string}, TimeSpan)"/>, also giving the elapsed time.</summary>
    public string Run(string workingDirectory, IReadOnlyList<string> arguments, TimeSpan timeout, out TimeSpan elapsed)
    {
        var start = new ProcessStartInfo(Host())
        {
            WorkingDirectory = workingDirectory,
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
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        // read by MSBuild as a property: no VBCSCompiler server outlives a command such as `dotnet run`
        start.Environment["UseSharedCompilation"] = "false";
        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

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
        elapsed = clock.Elapsed;
        string text;
        lock (log)
        {
            text = log.ToString();
        }

        string command = $"dotnet {string.Join(' ', arguments)}";
        _output.WriteLine($"$ {command}  (in {workingDirectory}: {elapsed.TotalSeconds:F1} s, exit {process.ExitCode})");
        _output.WriteLine(text);
        Assert.True(!timedOut && process.ExitCode == 0, $"{command} {(timedOut ? "timed out" : $"exited {process.ExitCode}")} after {elapsed.TotalSeconds:F0} s:\n{text}");
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

    private static string Host()
    {
        string? host = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        string? current = System.Environment.ProcessPath;
        return current != null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}
