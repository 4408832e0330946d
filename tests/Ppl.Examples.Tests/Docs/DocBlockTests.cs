using Xunit.Abstractions;

namespace Ppl.Tests.Examples.Docs;

/// <summary>The doc-block tests run alone: they capture the process-wide console.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DocBlockCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Doc blocks";
}

/// <summary>
/// Every ```csharp block of README.md and docs/**/*.md compiles and runs; one case per block,
/// named page:line. The conventions (complete blocks, fragments, continued fragments, not-run
/// blocks) are described in docs/design/doc-blocks.md:
/// <list type="bullet">
/// <item>an unmarked block is complete: compiled as is, with a console project's implicit usings,
/// and run (its top-level statements, or each public static parameterless Run/Main of its types);</item>
/// <item><c>&lt;!-- fragment --&gt;</c> above a block: the harness adds the usings Ppl,
/// Ppl.Distributions, Ppl.Handlers, TorchSharp, static Ppl.Primitives, static TorchSharp.torch
/// (<see cref="DocBlockCompiler.FragmentUsings"/>); the block is the top-level
/// statements of a program (local functions, then type declarations, allowed);</item>
/// <item><c>&lt;!-- fragment: continues --&gt;</c>: the same, after the page's previous runnable
/// block, whose variables and functions it uses (the whole chain runs);</item>
/// <item><c>&lt;!-- not-run: reason --&gt;</c>: never compiled (keep these rare).</item>
/// </list>
/// A block fails when it does not compile (page(line,col) diagnostics), throws (with the page line
/// it threw from) or prints TorchSharp's metadata line instead of a tensor's values.
/// </summary>
[Trait(Stage.Key, Stage.Examples)]
[Collection(DocBlockCollection.Name)]
public sealed class DocBlockTests(ITestOutputHelper output)
{
    private static readonly Lazy<IReadOnlyList<DocBlock>> AllBlocks = new(DocBlockReader.ReadAll);

    /// <summary>The id (page:line) of every block the harness compiles, or whose marker is malformed.</summary>
    public static TheoryData<string> RunnableBlocks()
    {
        var data = new TheoryData<string>();
        foreach (var block in AllBlocks.Value.Where(b => b.Kind != DocBlockKind.NotRun))
        {
            data.Add(block.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RunnableBlocks))]
    public void BlockCompilesAndRuns(string block)
    {
        var doc = AllBlocks.Value.Single(b => b.Id == block);
        var failure = DocBlockCheck.Failure(doc, output, continuedLater: AllBlocks.Value.Any(b => b.Continues == doc));
        Assert.True(failure is null, failure);
    }

    [Fact]
    public void EveryPageWithCodeIsFound()
    {
        var pages = AllBlocks.Value.Select(b => b.Page).ToHashSet();
        Assert.Contains("README.md", pages);
        Assert.Contains("docs/effect-handlers.md", pages);
        Assert.Contains("docs/causal.md", pages);
        Assert.Contains("docs/inference.md", pages);
    }

    [Fact]
    public void NotRunBlocksAreRareAndSayWhy()
    {
        var notRun = AllBlocks.Value.Where(b => b.Kind == DocBlockKind.NotRun).ToList();
        Assert.All(notRun, b => Assert.False(string.IsNullOrWhiteSpace(b.Note)));
        Assert.True(notRun.Count * 10 <= AllBlocks.Value.Count, $"{notRun.Count} of {AllBlocks.Value.Count} blocks are not run: " + string.Join(", ", notRun.Select(b => b.Id)));
    }
}
