using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.Docs;

/// <summary>What running a doc block printed, or how it failed.</summary>
/// <param name="Output">Everything written to standard output and standard error while it ran.</param>
/// <param name="Failure">Null on success; else the exception, with the page line it was thrown from when known.</param>
/// <param name="Elapsed">Wall time of the run.</param>
internal sealed record DocBlockRun(string Output, string? Failure, TimeSpan Elapsed);

/// <summary>
/// Runs a compiled doc block in-process: its top-level statements, or else every public static
/// parameterless <c>Run</c> or <c>Main</c> of the types it declares. Output is captured (the
/// caller's test collection runs alone, since the console is process-wide), the run is inside a
/// dispose scope, and the default dtype is restored afterwards.
/// </summary>
internal static partial class DocBlockRunner
{
    private static readonly Lock ConsoleLock = new();

    /// <summary>Loads and runs the block; a block with nothing to run is a failure.</summary>
    public static DocBlockRun Run(DocBlock block, CompiledDocBlock compiled)
    {
        var context = new AssemblyLoadContext(block.Id, isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(new MemoryStream(compiled.Image), new MemoryStream(compiled.Symbols));
            var entries = EntryPoints(assembly, compiled);
            if (entries.Count == 0)
            {
                return new DocBlockRun("", $"{block.Id}: the block has nothing to run. A complete block needs top-level statements or a "
                    + "public static class with a public static void Run() (or Main()); a block that only declares types "
                    + "must be continued by a later block ('<!-- fragment: continues -->') that uses them.", TimeSpan.Zero);
            }

            return Invoke(block, entries);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Whether the compiled block has something to run.</summary>
    public static bool HasEntryPoint(CompiledDocBlock compiled)
    {
        var context = new AssemblyLoadContext("entry points", isCollectible: true);
        try
        {
            return EntryPoints(context.LoadFromStream(new MemoryStream(compiled.Image)), compiled).Count > 0;
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>A TorchSharp metadata line ("[3], type = Float32, device = cpu") in the output, or null.</summary>
    public static string? MetadataLine(string output)
    {
        var match = TorchSharpMetadata().Match(output);
        return match.Success ? match.Value : null;
    }

    private static List<MethodInfo> EntryPoints(Assembly assembly, CompiledDocBlock compiled)
    {
        if (compiled.HasTopLevelStatements)
        {
            return [assembly.EntryPoint!];
        }

        return [.. compiled.EntryTypes
            .Select(name => assembly.GetType(name))
            .OfType<Type>()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.Name is "Run" or "Main" && m.GetParameters().Length == 0)];
    }

    private static DocBlockRun Invoke(DocBlock block, List<MethodInfo> entries)
    {
        lock (ConsoleLock)
        {
            var output = new StringWriter();
            var (stdout, stderr) = (Console.Out, Console.Error);
            var dtype = get_default_dtype();
            var clock = Stopwatch.StartNew();
            Console.SetOut(output);
            Console.SetError(output);
            try
            {
                using var scope = NewDisposeScope();
                foreach (var entry in entries)
                {
                    object? returned = entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
                    (returned as Task)?.GetAwaiter().GetResult();
                }

                return new DocBlockRun(output.ToString(), null, clock.Elapsed);
            }
            catch (Exception e)
            {
                var error = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
                return new DocBlockRun(output.ToString(), $"{ThrownAt(block, error)} threw {error}", clock.Elapsed);
            }
            finally
            {
                Console.SetOut(stdout);
                Console.SetError(stderr);
                set_default_dtype(dtype);
            }
        }
    }

    // "docs/causal.md:57" when the stack trace reaches a line of a page (through the #line
    // directives and the PDB), else the block's own id.
    private static string ThrownAt(DocBlock block, Exception error)
    {
        var frame = new StackTrace(error, fNeedFileInfo: true).GetFrames()
            .FirstOrDefault(f => f.GetFileName()?.EndsWith(".md", StringComparison.Ordinal) == true);
        return frame is null ? block.Id : $"{frame.GetFileName()}:{frame.GetFileLineNumber()} (in the block at {block.Id})";
    }

    // The metadata line alone: not followed by the values TorchSharp's Julia style prints after it
    // (", value = 1.5" for a scalar, an indented row or a "[0,:,:] =" slice on the next line).
    [GeneratedRegex(@"\[[0-9x]*\], type = \w+, device = \w+\b(?!, value = |\r?\n +\S|\r?\n\[[0-9]+,)")]
    private static partial Regex TorchSharpMetadata();
}
