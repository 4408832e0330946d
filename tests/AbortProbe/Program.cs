using System.Globalization;
using System.Text.RegularExpressions;
using Ppl.AbortProbe;
using static TorchSharp.torch;

// dotnet AbortProbe.dll list              the probes: id, binding, bad input, expectation (tab-separated)
// dotnet AbortProbe.dll table [prefix…]   runs the probes (each child process may die) and prints a Markdown table
// dotnet AbortProbe.dll run id…           runs the given probes in this process (the child side of `table`)
var probes = TorchProbes.All.Concat(PplProbes.All).ToDictionary(p => p.Id, StringComparer.Ordinal);
switch (args)
{
    case ["list", ..]:
        foreach (var p in probes.Values)
        {
            Console.WriteLine($"{p.Id}\t{p.Binding}\t{p.Input}\t{p.Expect}");
        }

        return 0;
    case ["run", .. var ids]:
        foreach (string id in ids)
        {
            var probe = probes[id];
            Console.WriteLine(ProbeRunner.StartTag + id);
            Console.Out.Flush();
            var (kind, detail) = RunInProcess(probe);
            Console.WriteLine($"{ProbeRunner.DoneTag}{id}\t{kind}\t{detail}");
            Console.Out.Flush();
        }

        return 0;
    case ["table", .. var prefixes]:
        var chosen = probes.Values.Where(p => prefixes.Length == 0 || prefixes.Any(x => p.Id.StartsWith(x, StringComparison.Ordinal))).ToList();
        var outcomes = ProbeRunner.Run(typeof(Probe).Assembly.Location, chosen.Select(p => p.Id).ToList(), TimeSpan.FromMinutes(5));
        Console.WriteLine($"TorchSharp {typeof(Tensor).Assembly.GetName().Version}, {Environment.OSVersion}");
        Console.WriteLine();
        Console.WriteLine("| probe | binding | bad input | outcome |");
        Console.WriteLine("| --- | --- | --- | --- |");
        foreach (var (p, o) in chosen.Zip(outcomes))
        {
            string outcome = o.Kind switch
            {
                OutcomeKind.Aborted => $"**aborts** ({o.Detail})",
                OutcomeKind.Threw => $"throws {ShortTypeName().Replace(o.Detail, "$1:")}",
                OutcomeKind.Returned => $"returns {o.Detail}",
                _ => $"unknown ({o.Detail})",
            };
            Console.WriteLine($"| `{p.Id}` | `{p.Binding}` | {p.Input} | {outcome.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }

        return 0;
    default:
        Console.Error.WriteLine("usage: AbortProbe list | table [id-prefix…] | run id…");
        return 2;
}

static (OutcomeKind Kind, string Detail) RunInProcess(Probe probe)
{
    using var scope = NewDisposeScope();
    try
    {
        object? result = probe.Body();
        return (OutcomeKind.Returned, result switch
        {
            Tensor t => "a tensor of shape [" + string.Join(", ", t.shape) + "]",
            string text => text,
            long[] shape => "shape [" + string.Join(", ", shape) + "]",
            IReadOnlyDictionary<string, Tensor> d => string.Join(", ", d.Select(kv => $"{kv.Key} [{string.Join(", ", kv.Value.shape)}]")),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            null => "nothing",
            var other => other.GetType().Name,
        });
    }
    catch (Exception e)
    {
        string first = e.Message.Split('\n')[0].Trim();
        if (first.Length > 160)
        {
            first = first[..160] + "…";
        }

        return (OutcomeKind.Threw, $"{e.GetType().FullName}: {first.Replace('\t', ' ')}");
    }
}

// System.Runtime.InteropServices.ExternalException: … → ExternalException: …
static Regex ShortTypeName() => new(@"^(?:\w+\.)+(\w+):");
