using System.Diagnostics;
using System.Text;

namespace Ppl.AbortProbe;

/// <summary>
/// Runs probes in child processes of the probe program (<c>dotnet AbortProbe.dll run id…</c>). A
/// child runs its probes in order and writes a line before and after each; when it dies inside a
/// probe, that probe is recorded as aborted and a new child goes on with the next one, so a list
/// of probes costs one process start plus one per abort. Also compiled into the test projects.
/// </summary>
internal static class ProbeRunner
{
    /// <summary>Written by the child before a probe runs, followed by the probe id.</summary>
    public const string StartTag = "@start ";

    /// <summary>Written by the child after a probe ran: id, kind and detail, tab-separated.</summary>
    public const string DoneTag = "@done ";

    /// <summary>The outcome of each probe in <paramref name="ids"/>, in order.</summary>
    /// <param name="probeDll">The path of AbortProbe.dll.</param>
    /// <param name="ids">Probe ids (see <c>dotnet AbortProbe.dll list</c>).</param>
    /// <param name="timeout">How long one child may run.</param>
    public static IReadOnlyList<ProbeOutcome> Run(string probeDll, IReadOnlyList<string> ids, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var outcomes = new Dictionary<string, ProbeOutcome>(StringComparer.Ordinal);
        int next = 0;
        while (next < ids.Count)
        {
            var child = RunChild(probeDll, ids.Skip(next).ToList(), timeout);
            foreach (var outcome in child.Done)
            {
                outcomes[outcome.Id] = outcome;
            }

            if (child.InFlight is string id && !outcomes.ContainsKey(id))
            {
                outcomes[id] = child.TimedOut
                    ? new ProbeOutcome(id, OutcomeKind.Unknown, $"timed out after {timeout.TotalSeconds:F0} s")
                    : new ProbeOutcome(id, OutcomeKind.Aborted, DescribeDeath(child.ExitCode, child.StandardError));
            }

            int before = next;
            while (next < ids.Count && outcomes.ContainsKey(ids[next]))
            {
                next++;
            }

            if (next == before)
            {
                // the child failed outside any probe (bad id, no runtime): nothing more to learn
                string why = $"the probe program failed before running a probe (exit {child.ExitCode}): {FirstLines(child.StandardError, 3)}";
                foreach (string rest in ids.Skip(next))
                {
                    outcomes[rest] = new ProbeOutcome(rest, OutcomeKind.Unknown, why);
                }

                break;
            }
        }

        return ids.Select(id => outcomes[id]).ToList();
    }

    /// <summary>The probes the program defines (<c>dotnet AbortProbe.dll list</c>).</summary>
    public static IReadOnlyList<ProbeInfo> List(string probeDll)
    {
        var start = new ProcessStartInfo(DotnetHost()) { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(probeDll);
        start.ArgumentList.Add("list");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the probe program");
        string text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {probeDll} list exited {process.ExitCode}");
        }

        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Select(f => new ProbeInfo(f[0], f[1], f[2], Enum.Parse<Expectation>(f[3])))
            .ToList();
    }

    /// <summary>The dotnet host that runs the tests or the probe program.</summary>
    public static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        string? self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private static ChildRun RunChild(string probeDll, List<string> ids, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(probeDll);
        start.ArgumentList.Add("run");
        foreach (string id in ids)
        {
            start.ArgumentList.Add(id);
        }

        start.Environment["DOTNET_DbgEnableMiniDump"] = "0"; // an abort must not write a dump
        var done = new List<ProbeOutcome>();
        string? inFlight = null;
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            lock (done)
            {
                if (e.Data is null)
                {
                    return;
                }

                if (e.Data.StartsWith(StartTag, StringComparison.Ordinal))
                {
                    inFlight = e.Data[StartTag.Length..];
                }
                else if (e.Data.StartsWith(DoneTag, StringComparison.Ordinal))
                {
                    string[] parts = e.Data[DoneTag.Length..].Split('\t');
                    done.Add(new ProbeOutcome(parts[0], Enum.Parse<OutcomeKind>(parts[1]), parts[2]));
                    inFlight = null;
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool timedOut = !process.WaitForExit(timeout);
        if (timedOut)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit(); // drains the redirected streams
        lock (done)
        {
            lock (stderr)
            {
                return new ChildRun(done, inFlight, process.ExitCode, stderr.ToString(), timedOut);
            }
        }
    }

    /// <summary>The exit status and libtorch's last words, e.g. <c>exit 134 (SIGABRT): terminate called after throwing an instance of 'c10::Error' — what(): …</c>.</summary>
    private static string DescribeDeath(int exitCode, string stderr)
    {
        string status = exitCode == 134 ? "exit 134 (SIGABRT)" : $"exit {exitCode}";
        var lines = stderr.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string? terminate = lines.FirstOrDefault(l => l.StartsWith("terminate called", StringComparison.Ordinal));
        string? what = lines.FirstOrDefault(l => l.StartsWith("what():", StringComparison.Ordinal));
        return (terminate, what) switch
        {
            (null, null) => $"{status}: {FirstLines(stderr, 2)}",
            (_, null) => $"{status}: {terminate}",
            _ => $"{status}: {terminate} — {Clip(what!, 160)}",
        };
    }

    private static string FirstLines(string text, int count) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Take(count));

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    private sealed record ChildRun(List<ProbeOutcome> Done, string? InFlight, int ExitCode, string StandardError, bool TimedOut);
}
