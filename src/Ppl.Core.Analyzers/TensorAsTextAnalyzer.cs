using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Ppl.Analyzers;

/// <summary>
/// PPL0006: a Tensor turned into text through its <c>ToString()</c>: an interpolation hole
/// (<c>$"{t}"</c>), a string concatenation (<c>"x = " + t</c>), an <c>object</c> argument of
/// Console/TextWriter <c>Write</c>/<c>WriteLine</c>, <c>string.Format</c>/<c>Concat</c>/<c>Join</c>
/// or <c>StringBuilder.Append</c>, or <c>t.ToString()</c> itself. TorchSharp's Tensor.ToString()
/// is its metadata line, so the user sees no numbers and rarely notices why.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TensorAsTextAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Types whose <c>object</c> parameters format their argument with ToString().</summary>
    private static readonly string[] FormattingTypes = ["System.Console", "System.IO.TextWriter", "System.String", "System.Text.StringBuilder"];

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Descriptors.TensorAsText];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(AnalyzeInterpolation, OperationKind.Interpolation);
        context.RegisterOperationAction(AnalyzeConcatenation, OperationKind.Binary);
        context.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
    }

    private static void AnalyzeInterpolation(OperationAnalysisContext context)
    {
        var hole = (IInterpolationOperation)context.Operation;
        if (PplSymbols.IsTensor(Unconverted(hole.Expression).Type))
        {
            Report(context, hole.Expression, "This interpolation");
        }
    }

    private static void AnalyzeConcatenation(OperationAnalysisContext context)
    {
        var binary = (IBinaryOperation)context.Operation;
        if (binary.OperatorKind != BinaryOperatorKind.Add || binary.Type?.SpecialType != SpecialType.System_String)
        {
            return;
        }

        foreach (var operand in new[] { binary.LeftOperand, binary.RightOperand })
        {
            if (PplSymbols.IsTensor(Unconverted(operand).Type))
            {
                Report(context, operand, "This string concatenation");
            }
        }
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name == "ToString" && method.Parameters.Length == 0 && PplSymbols.IsTensor(invocation.Instance?.Type))
        {
            Report(context, invocation, "ToString()");
            return;
        }

        if (!IsFormattingMethod(method))
        {
            return;
        }

        foreach (var argument in invocation.Arguments)
        {
            foreach (var value in ArgumentValues(argument))
            {
                if (value is IConversionOperation { Type.SpecialType: SpecialType.System_Object } conversion && PplSymbols.IsTensor(conversion.Operand.Type))
                {
                    Report(context, value, $"'{method.ContainingType.Name}.{method.Name}'");
                }
            }
        }
    }

    /// <summary>An argument's values: the argument itself, or the elements of a params array.</summary>
    private static ImmutableArray<IOperation> ArgumentValues(IArgumentOperation argument) =>
        argument.ArgumentKind == ArgumentKind.ParamArray && argument.Value is IArrayCreationOperation { Initializer: { } init }
            ? init.ElementValues
            : [argument.Value];

    private static bool IsFormattingMethod(IMethodSymbol method)
    {
        string type = method.ContainingType.ToDisplayString();
        foreach (string name in FormattingTypes)
        {
            if (type == name)
            {
                return true;
            }
        }

        return false;
    }

    private static IOperation Unconverted(IOperation operation) =>
        operation is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : operation;

    private static void Report(OperationAnalysisContext context, IOperation at, string what) =>
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.TensorAsText, at.Syntax.GetLocation(), what));
}
