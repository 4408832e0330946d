using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Ppl.Analyzers;

/// <summary>
/// PPL0002: <c>Tensor.matmul</c> or <c>torch.matmul</c> in a function that also calls a Ppl
/// primitive. TorchSharp 0.107's matmul is the one tensor binding that does not catch libtorch's
/// errors (docs/design/aborting-bindings.md: mm, bmm, mv, einsum and the rest throw), so a shape
/// mismatch kills the process. Only functions that record sites are flagged: that is where draws
/// get vectorized behind the code's back.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UncheckedMatMulAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Descriptors.UncheckedMatMul];

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
        var method = invocation.TargetMethod;
        if (method.Name != "matmul" || !PplSymbols.IsTorchType(method.ContainingType))
        {
            return;
        }

        var function = PplSymbols.EnclosingFunction(invocation.Syntax);
        if (function is null || invocation.SemanticModel is not { } model || PplSymbols.FirstPrimitiveCall(function, model) is null)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.UncheckedMatMul,
            invocation.Syntax.GetLocation(),
            $"{method.ContainingType.Name}.{method.Name}"));
    }
}
