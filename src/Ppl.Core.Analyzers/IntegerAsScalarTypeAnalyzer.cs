using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Ppl.Analyzers;

/// <summary>
/// PPL0001: an integer constant passed where a TorchSharp <c>ScalarType</c> is expected. C# converts
/// the constant 0 to any enum, so <c>t.sum(0)</c> picks <c>sum(ScalarType?)</c> over
/// <c>sum(long dim, ...)</c> and sums every element into a byte. In TorchSharp 0.107 <c>sum</c> and
/// <c>prod</c> have such an overload (found by reflecting over Tensor and torch: mean, cumsum,
/// cumprod, amax, logsumexp and the other reductions take only dims); the rule covers every
/// ScalarType parameter, so <c>t.to(0)</c> is caught too.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class IntegerAsScalarTypeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Descriptors.IntegerAsScalarType];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(AnalyzeArgument, OperationKind.Argument);
    }

    private static void AnalyzeArgument(OperationAnalysisContext context)
    {
        var argument = (IArgumentOperation)context.Operation;
        if (argument.Parameter is not { } parameter || !PplSymbols.IsScalarTypeOrNullable(parameter.Type))
        {
            return;
        }

        // Unwrap int → ScalarType → ScalarType? to the operand as written.
        var value = argument.Value;
        while (value is IConversionOperation conversion && PplSymbols.IsScalarTypeOrNullable(conversion.Type))
        {
            value = conversion.Operand;
        }

        if (ReferenceEquals(value, argument.Value) || !IsIntegral(value.Type) || !value.ConstantValue.HasValue)
        {
            return;
        }

        var method = parameter.ContainingSymbol as IMethodSymbol;
        string call = method is null ? parameter.Name : $"{method.ContainingType.Name}.{method.Name}";
        string member = ScalarTypeMember(parameter.Type, value.ConstantValue.Value);
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.IntegerAsScalarType,
            argument.Syntax.GetLocation(),
            call,
            value.Syntax.ToString(),
            member,
            Fix(method)));
    }

    private static string Fix(IMethodSymbol? method) => method?.Name switch
    {
        "sum" or "prod" => $"for dim 0 write {method.Name}(0, keepdim: false) or {method.Name}([0L])",
        _ => "name the dtype (ScalarType.Float32, ...) if a dtype is meant",
    };

    private static string ScalarTypeMember(ITypeSymbol type, object? constant)
    {
        var enumType = type is INamedTypeSymbol { TypeArguments.Length: 1 } nullable ? nullable.TypeArguments[0] : type;
        long number = Convert.ToInt64(constant, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var member in enumType.GetMembers())
        {
            if (member is IFieldSymbol { HasConstantValue: true } field
                && Convert.ToInt64(field.ConstantValue, System.Globalization.CultureInfo.InvariantCulture) == number)
            {
                return field.Name;
            }
        }

        return number.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool IsIntegral(ITypeSymbol? type) => type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64
        or SpecialType.System_Int16 or SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_UInt16
        or SpecialType.System_UInt32 or SpecialType.System_UInt64;
}
