using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Ppl.Analyzers;

/// <summary>
/// PPL0005: a TorchSharp dispose scope or grad mode (NewDisposeScope, no_grad, enable_grad,
/// set_grad_enabled, inference_mode) entered with <c>using</c> and an <c>await</c> inside it. Ppl's
/// handlers follow the await (an AsyncLocal), but these are per thread: measured, a tensor sampled
/// after <c>await Task.Delay(5)</c> inside <c>using (NewDisposeScope())</c> was not disposed with the
/// scope, and <c>w * 2</c> after the await inside <c>using (no_grad())</c> had requires_grad = true.
/// The compiler cannot refuse it (these are classes, not ref structs), so the analyzer does.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ThreadBoundScopeAcrossAwaitAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Descriptors.ThreadBoundScopeAcrossAwait];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxNodeAction(AnalyzeUsingStatement, SyntaxKind.UsingStatement);
        context.RegisterSyntaxNodeAction(AnalyzeUsingDeclaration, SyntaxKind.LocalDeclarationStatement);
    }

    private static void AnalyzeUsingStatement(SyntaxNodeAnalysisContext context)
    {
        var statement = (UsingStatementSyntax)context.Node;
        var resource = (SyntaxNode?)statement.Expression ?? statement.Declaration;
        if (resource is null || ThreadBoundCall(resource, context.SemanticModel) is not { } call)
        {
            return;
        }

        var awaited = FirstAwait(statement.Statement);
        if (awaited is not null)
        {
            Report(context, call, awaited);
        }
    }

    private static void AnalyzeUsingDeclaration(SyntaxNodeAnalysisContext context)
    {
        var declaration = (LocalDeclarationStatementSyntax)context.Node;
        if (!declaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword) || declaration.Parent is not BlockSyntax block
            || ThreadBoundCall(declaration.Declaration, context.SemanticModel) is not { } call)
        {
            return;
        }

        // A using declaration lasts to the end of its block.
        foreach (var later in block.Statements.SkipWhile(s => s != declaration).Skip(1))
        {
            if (FirstAwait(later) is { } awaited)
            {
                Report(context, call, awaited);
                return;
            }
        }
    }

    private static void Report(SyntaxNodeAnalysisContext context, IMethodSymbol call, SyntaxNode awaited)
    {
        string effect = call.Name == "NewDisposeScope"
            ? "tensors created after the await are not in the scope and are not disposed with it"
            : $"code after the await runs with that thread's own grad mode, not {call.Name}'s";
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.ThreadBoundScopeAcrossAwait,
            awaited.GetLocation(),
            call.Name,
            effect));
    }

    /// <summary>The TorchSharp per-thread scope that <paramref name="resource"/> enters, if any.</summary>
    private static IMethodSymbol? ThreadBoundCall(SyntaxNode resource, SemanticModel model)
    {
        foreach (var invocation in resource.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
        {
            if (model.GetSymbolInfo(invocation).Symbol is IMethodSymbol
                {
                    Name: "NewDisposeScope" or "no_grad" or "enable_grad" or "set_grad_enabled" or "inference_mode",
                } method && PplSymbols.IsTorchType(method.ContainingType))
            {
                return method;
            }
        }

        return null;
    }

    /// <summary>The first await (expression, await foreach, await using) in <paramref name="node"/>, outside nested functions.</summary>
    private static SyntaxNode? FirstAwait(SyntaxNode node) =>
        node.DescendantNodesAndSelf(n => n == node || n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .FirstOrDefault(n => n is AwaitExpressionSyntax
                || (n is CommonForEachStatementSyntax forEach && forEach.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword))
                || (n is UsingStatementSyntax usingStatement && usingStatement.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword))
                || (n is LocalDeclarationStatementSyntax local && local.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword)));
}
