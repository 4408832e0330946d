using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// The plain PyTorch column of <see cref="MnistEpochRunner"/>: one epoch of
/// <c>benchmarks/reference/vae_epoch.py</c> in a child process (Debian's python3-torch, the same
/// intra-op thread count, OMP/OpenBLAS threads alike), reading the same MNIST folder. The time is
/// the one the script reports (the epoch alone, not Python's start-up, torch's import or the file
/// reading); the parent waits idle meanwhile.
/// </summary>
internal sealed class PyTorchEpoch
{
    private const string ScriptPath = "benchmarks/reference/vae_epoch.py";

    private readonly string _python;
    private readonly string _script;
    private readonly string _mnist;
    private readonly int _threads;
    private readonly int _limit;

    private PyTorchEpoch(string python, string script, string mnist, int threads, int limit)
    {
        (_python, _script, _mnist, _threads, _limit) = (python, script, mnist, threads, limit);
    }

    /// <summary>
    /// The column, or null (after saying why in one line) when there is no script beside this
    /// build or the interpreter cannot import torch. The interpreter is <c>PPL_BENCH_PYTHON</c>,
    /// else <c>/usr/bin/python3</c> (Debian's, which python3-torch installs into).
    /// </summary>
    public static PyTorchEpoch? TryCreate(string mnistFolder, int threads, int limit)
    {
        string python = Environment.GetEnvironmentVariable("PPL_BENCH_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";
        string? script = FindScript();
        if (script is null)
        {
            Console.WriteLine($"PyTorch column skipped: {ScriptPath} is not above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}.");
            return null;
        }

        var (exit, _, error) = RunProcess(python, ["-c", "import torch"], threads);
        if (exit != 0)
        {
            string why = error.Trim().Split('\n')[^1];
            Console.WriteLine($"PyTorch column skipped: {python} cannot import torch ({why}; Debian: apt-get install python3-torch, or set PPL_BENCH_PYTHON).");
            return null;
        }

        return new PyTorchEpoch(python, script, mnistFolder, threads, limit);
    }

    /// <summary>Runs one epoch in a fresh process: its epoch seconds and test −ELBO per image.</summary>
    /// <exception cref="InvalidOperationException">The script failed or printed no epoch line.</exception>
    public (double Seconds, double TestLoss) RunEpoch()
    {
        List<string> arguments = [_script, "--epochs", "1", "--threads", _threads.ToString(CultureInfo.InvariantCulture), "--mnist", _mnist];
        if (_limit > 0)
        {
            arguments.AddRange(["--limit", _limit.ToString(CultureInfo.InvariantCulture)]);
        }

        var (exit, output, error) = RunProcess(_python, arguments, _threads);
        if (exit != 0)
        {
            throw new InvalidOperationException($"{_python} {string.Join(' ', arguments)} exited with {exit}: {error.Trim()}");
        }

        return ParseEpochLine(output);
    }

    /// <summary>The seconds and test −ELBO of the last JSON line of the script's output.</summary>
    /// <exception cref="InvalidOperationException">No line holds a JSON object with both.</exception>
    internal static (double Seconds, double TestLoss) ParseEpochLine(string output)
    {
        string? line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'));
        if (line is not null)
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.TryGetProperty("seconds", out var seconds) && json.RootElement.TryGetProperty("test_neg_elbo", out var test))
            {
                return (seconds.GetDouble(), test.GetDouble());
            }
        }

        throw new InvalidOperationException($"{ScriptPath} printed no epoch line with \"seconds\" and \"test_neg_elbo\"; its output was: {output.Trim()}");
    }

    // the repository's copy, found upwards from the build output (bin/Release/net10.0) or the working directory
    private static string? FindScript()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, ScriptPath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static (int Exit, string Output, string Error) RunProcess(string file, IEnumerable<string> arguments, int threads)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        string count = threads.ToString(CultureInfo.InvariantCulture);
        start.Environment["OMP_NUM_THREADS"] = count;
        start.Environment["OPENBLAS_NUM_THREADS"] = count;
        try
        {
            using var process = Process.Start(start)!;
            // read both pipes at once, so a chatty stderr cannot block the child
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, error.GetAwaiter().GetResult());
        }
        catch (Win32Exception e)
        {
            return (-1, "", $"cannot start {file}: {e.Message}");
        }
    }
}
