namespace Ppl.Tests.Examples.Docs;

/// <summary>How the doc-block harness treats a ```csharp block; the marker line above the block chooses.</summary>
internal enum DocBlockKind
{
    /// <summary>No marker: compiled as is (with a console project's implicit usings) and run.</summary>
    Complete,

    /// <summary><c>&lt;!-- fragment --&gt;</c>: the harness adds <see cref="DocBlockCompiler.FragmentUsings"/>.</summary>
    Fragment,

    /// <summary><c>&lt;!-- not-run: reason --&gt;</c>: shown to the reader, never compiled.</summary>
    NotRun,
}

/// <summary>One ```csharp block of a Markdown page.</summary>
/// <param name="Page">The page, relative to the repository root with '/' separators (README.md, docs/causal.md).</param>
/// <param name="Line">The 1-based line of the opening fence.</param>
/// <param name="Code">The block's text, without the fences and without the fence's indentation.</param>
/// <param name="Kind">How the block is compiled.</param>
/// <param name="Continues">For a fragment marked <c>continues</c>: the block it continues (the page's previous runnable block).</param>
/// <param name="Note">The not-run reason, or what is wrong with the block's marker.</param>
/// <param name="Problem">True when <paramref name="Note"/> describes a malformed marker: the block's test fails with it.</param>
internal sealed record DocBlock(string Page, int Line, string Code, DocBlockKind Kind, DocBlock? Continues, string? Note, bool Problem)
{
    /// <summary>page:line, the name of the block's test case.</summary>
    public string Id => $"{Page}:{Line}";

    /// <summary>The 1-based page line of the block's first code line.</summary>
    public int FirstCodeLine => Line + 1;

    /// <summary>The blocks compiled together for this one, in page order: those it continues, then itself.</summary>
    public IReadOnlyList<DocBlock> Chain()
    {
        var chain = new List<DocBlock>();
        for (var block = this; block is not null; block = block.Continues)
        {
            chain.Insert(0, block);
        }

        return chain;
    }
}
