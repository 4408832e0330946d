using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ppl.Analyzers;

/// <summary>How the rules recognize Ppl's and TorchSharp's API by symbol (never by spelling alone).</summary>
internal static class PplSymbols
{
    /// <summary>The static classes whose methods are Ppl's effectful primitives.</summary>
    private static readonly string[] PrimitiveClasses = ["Ppl.Primitives", "Ppl.Causal.CausalPrimitives"];

    /// <summary>True for a call of a primitive (Sample, Param, Plate, Factor, Deterministic, Intervene, ...).</summary>
    public static bool IsPrimitive(IMethodSymbol? method)
    {
        if (method is null || !method.IsStatic)
        {
            return false;
        }

        string type = method.ContainingType.ToDisplayString();
        foreach (string name in PrimitiveClasses)
        {
            if (type == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first primitive called anywhere in <paramref name="body"/> (nested functions included), or null.</summary>
    public static IMethodSymbol? FirstPrimitiveCall(SyntaxNode body, SemanticModel model)
    {
        foreach (var invocation in body.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
        {
            if (model.GetSymbolInfo(invocation).Symbol is IMethodSymbol method && IsPrimitive(method))
            {
                return method;
            }
        }

        return null;
    }

    /// <summary>The innermost function (lambda, anonymous method, local function or member) that holds <paramref name="node"/>.</summary>
    public static SyntaxNode? EnclosingFunction(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            if (current is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax
                or AccessorDeclarationSyntax or PropertyDeclarationSyntax or IndexerDeclarationSyntax or FieldDeclarationSyntax)
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="type"/> is TorchSharp's <c>torch.ScalarType</c>.</summary>
    public static bool IsScalarType(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "ScalarType", ContainingType: { Name: "torch", ContainingNamespace.Name: "TorchSharp" } };

    /// <summary>True when <paramref name="type"/> is <c>ScalarType</c> or <c>ScalarType?</c>.</summary>
    public static bool IsScalarTypeOrNullable(ITypeSymbol? type) =>
        IsScalarType(type)
        || (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable && IsScalarType(nullable.TypeArguments[0]));

    /// <summary>True for a TorchSharp type: <c>torch</c> or a type nested in it (Tensor, linalg, ...).</summary>
    public static bool IsTorchType(INamedTypeSymbol? type)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t is { Name: "torch", ContainingType: null, ContainingNamespace.Name: "TorchSharp" })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="type"/> is TorchSharp's <c>torch.Tensor</c> or derives from it (e.g. <c>Parameter</c>).</summary>
    public static bool IsTensor(ITypeSymbol? type)
    {
        for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
        {
            if (t is { Name: "Tensor", ContainingType: { Name: "torch", ContainingNamespace.Name: "TorchSharp" } })
            {
                return true;
            }
        }

        return false;
    }
}
