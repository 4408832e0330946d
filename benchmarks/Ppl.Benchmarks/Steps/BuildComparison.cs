using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// Before/after of a change in one run: <c>... -- compare before/Ppl.Benchmarks.dll after/Ppl.Benchmarks.dll
/// [rounds] [filter] [steps]</c> starts the <c>quick</c> mode of the two builds alternately
/// (A-B, then B-A, ...) as child processes with one libtorch thread, so load that comes and goes
/// on a shared machine falls on both alike, and reports per row the median ms/step of each build,
/// thread CPU, tensors/step and the ratio after/before. Build the "before" from a worktree of the
/// base commit (<c>git worktree add --detach ../before BASE</c>, then <c>dotnet build -c Release
/// benchmarks/Ppl.Benchmarks</c> there).
/// </summary>
public static partial class BuildComparison
{
    /// <summary>Runs the comparison and prints a Markdown table.</summary>
    public static void Run(string before, string after, int rounds, string filter, int steps)
    {
        var samples = new Dictionary<(string Row, int Build), List<(double Ms, double Cpu, double Tensors)>>();
        var order = new List<string>();
        for (int r = 0; r < rounds; r++)
        {
            int[] builds = r % 2 == 0 ? [0, 1] : [1, 0];
            foreach (int b in builds)
            {
                foreach (var (row, sample) in RunOnce(b == 0 ? before : after, filter, steps))
                {
                    if (!order.Contains(row))
                    {
                        order.Add(row);
                    }

                    if (!samples.TryGetValue((row, b), out var list))
                    {
                        samples[(row, b)] = list = [];
                    }

                    list.Add(sample);
                }
            }

            Console.Error.WriteLine($"compare: round {r + 1} of {rounds} done");
        }

        Console.WriteLine($"{rounds} rounds, A-B/B-A alternated, medians; {filter} with {steps} steps per call");
        Console.WriteLine();
        Console.WriteLine("| row | before ms/step | after ms/step | after / before | thread CPU before → after | tensors/step before → after |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var row in order)
        {
            if (!samples.TryGetValue((row, 0), out var a) || !samples.TryGetValue((row, 1), out var b))
            {
                continue;
            }

            double ma = BenchStatistics.Median(a.Select(s => s.Ms)), mb = BenchStatistics.Median(b.Select(s => s.Ms));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row} | {ma:F3} | {mb:F3} | {mb / ma:F3} | {BenchStatistics.Median(a.Select(s => s.Cpu)):F3} → {BenchStatistics.Median(b.Select(s => s.Cpu)):F3} | {BenchStatistics.Median(a.Select(s => s.Tensors)):F0} → {BenchStatistics.Median(b.Select(s => s.Tensors)):F0} |"));
        }
    }

    private static IEnumerable<(string Row, (double Ms, double Cpu, double Tensors) Sample)> RunOnce(string dll, string filter, int steps)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("quick");
        info.ArgumentList.Add(filter);
        info.ArgumentList.Add(steps.ToString(CultureInfo.InvariantCulture));
        info.Environment["PPL_BENCH_THREADS"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start dotnet {dll}");
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {dll} quick exited with {process.ExitCode}");
        }

        foreach (Match m in QuickLine().Matches(output))
        {
            yield return ($"{m.Groups[1].Value} validation {m.Groups[2].Value}",
                (Parse(m.Groups[3].Value), Parse(m.Groups[4].Value), Parse(m.Groups[5].Value)));
        }
    }

    private static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    // one line of QuickRunner's output
    [GeneratedRegex(@"^(\S+)\s+validation=(\w+)\s+([\d.]+) ms/step \(thread CPU\s+([\d.]+) ms\)\s+[\d.]+ KB/step\s+([\d.]+) tensors/step", RegexOptions.Multiline)]
    private static partial Regex QuickLine();
}
