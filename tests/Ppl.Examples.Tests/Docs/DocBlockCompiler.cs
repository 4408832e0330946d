using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Emit;

namespace Ppl.Tests.Examples.Docs;

/// <summary>A doc block compiled, with the chain of blocks it continues, into an in-memory assembly.</summary>
/// <param name="Image">The assembly; empty when compilation failed.</param>
/// <param name="Symbols">Its portable PDB (stack traces then name the page and line).</param>
/// <param name="Errors">Compiler errors, located at page(line,column); empty on success.</param>
/// <param name="Warnings">Compiler warnings, for the test output.</param>
/// <param name="HasTopLevelStatements">The program's entry point is its top-level statements.</param>
/// <param name="EntryTypes">Metadata names of the types the block under test declares (searched for Run/Main otherwise).</param>
internal sealed record CompiledDocBlock(byte[] Image, byte[] Symbols, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings, bool HasTopLevelStatements, IReadOnlyList<string> EntryTypes);

/// <summary>
/// Compiles a doc block with Roslyn against the assemblies a user of Ppl has (the test process's
/// trusted platform assemblies, less the examples and the test machinery). Every piece of doc code
/// is preceded by a <c>#line</c> directive, so diagnostics and stack traces give the page and line.
/// </summary>
internal static class DocBlockCompiler
{
    /// <summary>The usings of a new console project (<c>ImplicitUsings</c>), given to every block.</summary>
    public static readonly IReadOnlyList<string> ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    /// <summary>The usings the harness adds to a fragment; the top of docs/effect-handlers.md lists the same.</summary>
    public static readonly IReadOnlyList<string> FragmentUsings =
        ["Ppl", "Ppl.Distributions", "Ppl.Handlers", "TorchSharp", "static Ppl.Primitives", "static TorchSharp.torch"];

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() => LoadReferences(withExamples: false));

    private static readonly Lazy<IReadOnlyList<MetadataReference>> ExampleReferences = new(() => LoadReferences(withExamples: true));

    /// <summary>Compiles the block's chain (the blocks it continues, then itself) into one assembly.</summary>
    public static CompiledDocBlock Compile(DocBlock block)
    {
        var chain = block.Chain();
        bool anyFragment = chain.Any(b => b.Kind == DocBlockKind.Fragment);
        var trees = new List<SyntaxTree>
        {
            Parse(string.Concat(ImplicitUsings.Select(u => $"global using {u};\n")), $"{block.Id} (implicit usings)"),
        };

        // Top-level statements of every block in the chain go into one file (C# allows one such
        // file); the type declarations that follow them go after all statements. Blocks that only
        // declare types (a namespace, a class with Run) stay files of their own.
        var usings = new StringBuilder();
        var statements = new StringBuilder();
        var declarations = new StringBuilder();
        var seenUsings = new HashSet<string>(StringComparer.Ordinal);
        if (anyFragment)
        {
            foreach (string u in FragmentUsings)
            {
                seenUsings.Add($"using {u};");
                usings.Append("#line hidden\n").Append("using ").Append(u).Append(";\n");
            }
        }

        SyntaxTree? blockTree = null;
        foreach (var part in chain)
        {
            var unit = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(part.Code, ParseOptions).GetRoot();
            if (!unit.Members.OfType<GlobalStatementSyntax>().Any())
            {
                string prefix = part.Kind == DocBlockKind.Fragment ? string.Concat(FragmentUsings.Select(u => $"using {u};\n")) : "";
                var tree = Parse($"{prefix}#line {part.FirstCodeLine} \"{part.Page}\"\n{part.Code}\n", part.Id);
                trees.Add(tree);
                if (part == block)
                {
                    blockTree = tree;
                }

                continue;
            }

            foreach (var directive in unit.Usings)
            {
                string text = directive.ToString().Trim();
                if (seenUsings.Add(string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))))
                {
                    AppendAt(usings, part, unit, directive);
                }
            }

            foreach (var member in unit.Members)
            {
                AppendAt(member is GlobalStatementSyntax ? statements : declarations, part, unit, member);
            }
        }

        bool topLevel = statements.Length > 0;
        if (topLevel)
        {
            var program = Parse($"{usings}{statements}{declarations}", $"{block.Id} (program)");
            trees.Add(program);
            blockTree ??= program;
        }

        var compilation = CSharpCompilation.Create(
            "DocBlock_" + new string([.. block.Id.Select(c => char.IsLetterOrDigit(c) ? c : '_')]),
            trees,
            IsExamplePage(block.Page) ? ExampleReferences.Value : References.Value,
            new CSharpCompilationOptions(
                topLevel ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: OptimizationLevel.Debug,
                // TorchSharp is built against .NET 8's System.Runtime.Numerics: unified, nothing to report.
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress }));

        using var image = new MemoryStream();
        using var symbols = new MemoryStream();
        var result = compilation.Emit(image, symbols, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        var diagnostics = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        var warnings = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        if (!result.Success)
        {
            return new CompiledDocBlock([], [], errors, warnings, topLevel, []);
        }

        return new CompiledDocBlock(image.ToArray(), symbols.ToArray(), [], warnings, topLevel, TypesDeclaredIn(compilation, blockTree!));
    }

    // The text of a using directive or member, preceded by a #line directive giving its page line.
    private static void AppendAt(StringBuilder target, DocBlock part, CompilationUnitSyntax unit, SyntaxNode node)
    {
        int line = unit.SyntaxTree.GetLineSpan(node.FullSpan).StartLinePosition.Line;
        target.Append("#line ").Append(part.FirstCodeLine + line).Append(" \"").Append(part.Page).Append("\"\n")
            .Append(node.ToFullString().TrimEnd()).Append('\n');
    }

    private static SyntaxTree Parse(string text, string path) => CSharpSyntaxTree.ParseText(text, ParseOptions, path, Encoding.UTF8);

    private static List<string> TypesDeclaredIn(CSharpCompilation compilation, SyntaxTree tree)
    {
        var model = compilation.GetSemanticModel(tree);
        return [.. tree.GetRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>()
            .Select(t => model.GetDeclaredSymbol(t))
            .OfType<INamedTypeSymbol>()
            .Where(t => t.ContainingType is null)
            .Select(t => t.ContainingNamespace.IsGlobalNamespace ? t.MetadataName : $"{t.ContainingNamespace.ToDisplayString()}.{t.MetadataName}")];
    }

    // A page about one example (docs/examples/) explains that example's own code, which lives in
    // src/Ppl.Examples (course code is not library code: docs/design/library-and-course.md).
    private static bool IsExamplePage(string page) => page.StartsWith("docs/examples/", StringComparison.Ordinal);

    // What a user's project that references Ppl.Core, Ppl.Inference and Ppl.Causal compiles
    // against: the BCL and the libraries' dependencies, not the examples or the test machinery;
    // for an example page also the examples project, as a reader working in the repository has it.
    private static IReadOnlyList<MetadataReference> LoadReferences(bool withExamples)
    {
        // Load the libraries the docs use, in case nothing in the test process has touched them yet.
        Assembly[] needed =
        [
            typeof(Primitives).Assembly, typeof(Ppl.Inference.Svi<>).Assembly, typeof(Ppl.Causal.CausalQueries).Assembly,
            typeof(TorchSharp.torch).Assembly, typeof(System.Reactive.Linq.Observable).Assembly, typeof(MathNet.Numerics.SpecialFunctions).Assembly,
        ];
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(needed.Select(a => a.Location))
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !IsTestMachinery(Path.GetFileNameWithoutExtension(p)))
            .Concat(withExamples ? [typeof(Ppl.Examples.IExample).Assembly.Location] : [])
            .DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase);
        return [.. paths.Select(p => MetadataReference.CreateFromFile(p))];
    }

    private static bool IsTestMachinery(string name) =>
        name.StartsWith("Ppl.Examples", StringComparison.Ordinal)
        || name.StartsWith("xunit", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("FsCheck", StringComparison.Ordinal)
        || name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)
        || name.StartsWith("Microsoft.TestPlatform", StringComparison.Ordinal)
        || name.StartsWith("Microsoft.VisualStudio", StringComparison.Ordinal)
        || name.StartsWith("testhost", StringComparison.OrdinalIgnoreCase);
}
