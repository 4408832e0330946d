using System.Globalization;
using Xunit.Abstractions;

namespace Ppl.Tests.Examples.Docs;

/// <summary>Compiles and runs one doc block and says what is wrong with it, if anything.</summary>
internal static class DocBlockCheck
{
    /// <summary>Null when the block compiles, runs and prints values; else a message naming the page and line.</summary>
    /// <param name="block">The block.</param>
    /// <param name="log">Where compiler warnings and the block's output go.</param>
    /// <param name="continuedLater">A later block continues this one: a block that only declares types may then have nothing to run itself.</param>
    public static string? Failure(DocBlock block, ITestOutputHelper? log = null, bool continuedLater = false)
    {
        if (block.Problem)
        {
            return block.Note;
        }

        var compiled = DocBlockCompiler.Compile(block);
        foreach (string warning in compiled.Warnings)
        {
            log?.WriteLine("warning: " + warning);
        }

        if (compiled.Errors.Count > 0)
        {
            string chain = block.Continues is null ? "" : $" (with the blocks it continues: {string.Join(", ", block.Chain().SkipLast(1).Select(b => b.Id))})";
            string hint = block.Kind == DocBlockKind.Complete
                ? "\nAn unmarked block is compiled as is: give it its usings, or mark it '<!-- fragment -->' (see docs/design/doc-blocks.md)."
                : "";
            if (compiled.Errors.Any(e => e.Contains("CS1061", StringComparison.Ordinal) && (e.Contains("'str'", StringComparison.Ordinal) || e.Contains("'npstr'", StringComparison.Ordinal) || e.Contains("'print'", StringComparison.Ordinal))))
            {
                hint += "\nTorchSharp's str(), npstr() and print() are extension methods in namespace TorchSharp: add 'using TorchSharp;'.";
            }
            return $"{block.Id}: the block does not compile{chain}:\n{string.Join('\n', compiled.Errors)}{hint}";
        }

        if (continuedLater && !compiled.HasTopLevelStatements && !DocBlockRunner.HasEntryPoint(compiled))
        {
            log?.WriteLine($"{block.Id} compiled; it declares types only, and the blocks that continue it run them.");
            return null;
        }

        var run = DocBlockRunner.Run(block, compiled);
        log?.WriteLine($"{block.Id} ran in {run.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s; it printed:\n{run.Output}");
        if (run.Failure is not null)
        {
            return run.Failure + (run.Output.Length > 0 ? $"\nOutput before the failure:\n{run.Output}" : "");
        }

        return DocBlockRunner.MetadataLine(run.Output) is { } metadata
            ? $"{block.Id}: the block prints TorchSharp's metadata line '{metadata}' instead of values. Print a tensor with "
              + "t.str() or t.print(), a scalar with t.item<float>() (item<double>() for a float64 tensor); see docs/effect-handlers.md."
            : null;
    }
}
