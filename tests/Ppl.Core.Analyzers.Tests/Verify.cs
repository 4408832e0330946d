using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Ppl.Analyzers.Tests;

/// <summary>
/// Runs an analyzer over test source compiled against the running test process's own assemblies
/// (the .NET runtime, TorchSharp, Ppl.Core, Ppl.Causal), so no reference assemblies are
/// downloaded at test time.
/// </summary>
internal static class Verify<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>The usings every test source starts with.</summary>
    public const string Usings = """
        using System;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Ppl;
        using Ppl.Distributions;
        using TorchSharp;
        using static TorchSharp.torch;
        using static Ppl.Primitives;

        """;

    /// <summary>The line of the test file that holds the first line of a test's source.</summary>
    public static readonly int FirstLine = Usings.Count(c => c == '\n') + 1;

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>
    /// Checks that <paramref name="source"/> (markup: {|PPL0001:span|}) gets exactly the marked
    /// diagnostics, and <paramref name="expected"/> (lines count from <see cref="FirstLine"/>).
    /// </summary>
    public static Task AnalyzeAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            TestCode = Usings + source,
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };
        test.TestState.AdditionalReferences.AddRange(References.Value);
        test.TestState.OutputKind = OutputKind.DynamicallyLinkedLibrary;
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // Make sure the assemblies the sources use are loaded, then take the trusted platform list:
        // the runtime's assemblies plus every assembly this test app deploys.
        _ = typeof(Ppl.Primitives).Assembly;
        _ = typeof(Ppl.Causal.CausalPrimitives).Assembly;
        _ = typeof(TorchSharp.torch).Assembly;
        string paths = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return [.. paths.Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && IsWanted(Path.GetFileNameWithoutExtension(p)))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }

    private static bool IsWanted(string name) =>
        name.StartsWith("System.", StringComparison.Ordinal) || name is "System" or "mscorlib" or "netstandard" or "TorchSharp" or "Ppl.Core" or "Ppl.Causal";
}
