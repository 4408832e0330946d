using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Ppl.Analyzers;

/// <summary>
/// PPL0003: a scope that installs a handler (PlateScope from Plate, UnsizedPlate and
/// PlateDefinition.Enter; BlockedPlateScope from BlockPlate; HandlerScope from Messenger.Install and
/// ParamStore.Activate) that is discarded, or kept in a local that is never disposed. Scopes that
/// are returned, passed on, or disposed by <c>using</c> or <c>Dispose()</c> are left alone: the rule
/// flags only what is certainly never undone.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UndisposedScopeAnalyzer : DiagnosticAnalyzer
{
    private static readonly string[] ScopeTypes = ["Ppl.PlateScope", "Ppl.BlockedPlateScope", "Ppl.Effects.HandlerScope"];

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Descriptors.UndisposedScope];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var type = invocation.TargetMethod.ReturnType;
        if (!ScopeTypes.Contains(type.ToDisplayString()))
        {
            return;
        }

        string? problem = Problem(invocation);
        if (problem is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.UndisposedScope,
                invocation.Syntax.GetLocation(),
                type.Name,
                invocation.TargetMethod.Name,
                problem));
        }
    }

    /// <summary>What goes wrong with the scope, or null when it is disposed or handed on.</summary>
    private static string? Problem(IInvocationOperation invocation)
    {
        IOperation current = invocation;
        var parent = current.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            current = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            case IExpressionStatementOperation:
                return "discarded";
            case ISimpleAssignmentOperation { Target: IDiscardOperation }:
                return "discarded";
            case IInvocationOperation call when ReferenceEquals(call.Instance, current):
                return call.TargetMethod.Name == "Dispose" ? null : $"used for '{call.TargetMethod.Name}' and never disposed";
            case IPropertyReferenceOperation property when ReferenceEquals(property.Instance, current):
                return $"used for '{property.Property.Name}' and never disposed";
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return IsInUsing(declarator) || IsDisposedLater(declarator.Symbol, invocation) ? null : "kept in a local that is never disposed";
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local }:
                return IsDisposedLater(local.Local, invocation) ? null : "kept in a local that is never disposed";
            default:
                // using (Plate(...)), return, argument, or anything the rule cannot follow.
                return null;
        }
    }

    private static bool IsInUsing(IVariableDeclaratorOperation declarator)
    {
        for (var op = declarator.Parent; op is not null; op = op.Parent)
        {
            switch (op)
            {
                case IUsingDeclarationOperation or IUsingOperation:
                    return true;
                case IVariableDeclarationOperation or IVariableDeclarationGroupOperation:
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    /// <summary>True when the local is disposed, used in a using statement, returned or passed on anywhere in its function.</summary>
    private static bool IsDisposedLater(ILocalSymbol local, IInvocationOperation invocation)
    {
        var function = PplSymbols.EnclosingFunction(invocation.Syntax);
        if (function is null || invocation.SemanticModel is not { } model)
        {
            return true;
        }

        foreach (var name in function.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (name.Identifier.ValueText != local.Name || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name).Symbol, local))
            {
                continue;
            }

            switch (name.Parent)
            {
                case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Dispose" } access when access.Expression == name:
                case UsingStatementSyntax:
                case ReturnStatementSyntax:
                case ArrowExpressionClauseSyntax:
                case ArgumentSyntax:
                    return true;
            }
        }

        return false;
    }
}
