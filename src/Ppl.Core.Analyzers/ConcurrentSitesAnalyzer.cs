using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Ppl.Analyzers;

/// <summary>
/// PPL0004: code that records sites (calls a Ppl primitive) started so that it runs at the same time
/// as other code of the model. Measured with Ppl's AsyncLocal handler stack (issue #15): a model
/// that awaits and then samples, with or without ConfigureAwait(false), or awaits a Task.Run that
/// samples, is traced exactly like a synchronous one, so a sequential await is not flagged. What
/// breaks is concurrency: 20000 Deterministic sites from Parallel.For left 12472 to 20000 in the
/// trace (Trace is not synchronized), and async sub-models joined by Task.WhenAll record their sites
/// interleaved in a different order each run. Flagged: Parallel.For/ForEach/ForEachAsync/Invoke,
/// new Thread and ThreadPool.QueueUserWorkItem with a function that records sites; Task.Run and
/// TaskFactory.StartNew of one, unless awaited where started; calls of async methods or local
/// functions (declared in the same file) that await and record sites, unless awaited where
/// called (the tasks Task.WhenAll joins are such calls); site-recording async lambdas passed to
/// Enumerable.Select, which starts one task per element.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConcurrentSitesAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Descriptors.ConcurrentSites];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
        context.RegisterOperationAction(AnalyzeObjectCreation, OperationKind.ObjectCreation);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        string type = method.ContainingType.ToDisplayString();
        switch (type, method.Name)
        {
            case ("System.Threading.Tasks.Parallel", "For" or "ForEach" or "ForEachAsync" or "Invoke"):
                ReportRecordingDelegates(context, invocation, $"Parallel.{method.Name}", "on several threads at once", asyncOnly: false);
                return;
            case ("System.Threading.ThreadPool", "QueueUserWorkItem" or "UnsafeQueueUserWorkItem"):
                ReportRecordingDelegates(context, invocation, $"ThreadPool.{method.Name}", "on another thread while the model goes on", asyncOnly: false);
                return;
            case ("System.Threading.Tasks.Task", "Run"):
            case ("System.Threading.Tasks.TaskFactory", "StartNew"):
            case ("System.Threading.Tasks.TaskFactory<TResult>", "StartNew"):
                if (!IsAwaitedWhereStarted(invocation))
                {
                    ReportRecordingDelegates(context, invocation, $"{method.ContainingType.Name}.{method.Name}", "without being awaited where it starts", asyncOnly: false);
                }

                return;
            case ("System.Linq.Enumerable", "Select"):
                ReportRecordingDelegates(context, invocation, $"{method.ContainingType.Name}.{method.Name}", "as several tasks at once", asyncOnly: true);
                return;
        }

        if (method.IsAsync && !IsAwaitedWhereStarted(invocation) && RecordingAsyncBody(method, invocation) is { } primitive)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.ConcurrentSites,
                invocation.Syntax.GetLocation(),
                "This call",
                $"'{method.Name}'",
                primitive.Name,
                "and is not awaited where it is called, so it goes on while the caller does"));
        }
    }

    private static void AnalyzeObjectCreation(OperationAnalysisContext context)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (creation.Type?.ToDisplayString() == "System.Threading.Thread")
        {
            ReportRecordingDelegates(context, creation, "new Thread", "on another thread", asyncOnly: false);
        }
    }

    /// <summary>Reports each delegate among the arguments whose body records sites.</summary>
    private static void ReportRecordingDelegates(OperationAnalysisContext context, IOperation call, string starter, string how, bool asyncOnly)
    {
        if (call.SemanticModel is not { } model)
        {
            return;
        }

        var arguments = call switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => ImmutableArray<IArgumentOperation>.Empty,
        };
        foreach (var argument in arguments)
        {
            foreach (var operation in argument.Value.DescendantsAndSelf())
            {
                var (name, body, isAsync) = operation switch
                {
                    IAnonymousFunctionOperation lambda => ("a lambda", lambda.Syntax, lambda.Symbol.IsAsync),
                    IMethodReferenceOperation reference => ($"'{reference.Method.Name}'", SameTreeBody(reference.Method, call), reference.Method.IsAsync),
                    _ => (null, null, false),
                };
                if (body is null || (asyncOnly && (!isAsync || !ContainsAwait(body))))
                {
                    continue;
                }

                // A lambda nested in another lambda of the same argument is covered by the outer one.
                if (operation is IAnonymousFunctionOperation && HasAnonymousAncestorWithin(operation, argument))
                {
                    continue;
                }

                if (PplSymbols.FirstPrimitiveCall(body, model) is { } primitive)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.ConcurrentSites,
                        operation.Syntax.GetLocation(),
                        starter,
                        name,
                        primitive.Name,
                        how));
                }
            }
        }
    }

    private static bool HasAnonymousAncestorWithin(IOperation operation, IOperation root)
    {
        for (var op = operation.Parent; op is not null && !ReferenceEquals(op, root); op = op.Parent)
        {
            if (op is IAnonymousFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first primitive an async method or local function (declared in this file) calls, if it also awaits.</summary>
    private static IMethodSymbol? RecordingAsyncBody(IMethodSymbol method, IOperation call)
    {
        var body = SameTreeBody(method, call);
        if (body is null || call.SemanticModel is not { } model || !ContainsAwait(body))
        {
            return null;
        }

        return PplSymbols.FirstPrimitiveCall(body, model);
    }

    /// <summary>The declaration of a source method when it lies in the call's file (the one semantic model an analyzer may use).</summary>
    private static SyntaxNode? SameTreeBody(IMethodSymbol method, IOperation call)
    {
        foreach (var reference in method.OriginalDefinition.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == call.Syntax.SyntaxTree)
            {
                return reference.GetSyntax();
            }
        }

        return null;
    }

    private static bool ContainsAwait(SyntaxNode body) =>
        body.DescendantNodes(n => n == body || n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .Any(n => n is AwaitExpressionSyntax);

    /// <summary>
    /// True when the task is awaited (or waited for) right where it starts, returned to the caller,
    /// or kept in a local that the very next statement awaits: then nothing of this model runs
    /// while it does.
    /// </summary>
    private static bool IsAwaitedWhereStarted(IOperation task) =>
        IsAwaitedInPlace(task) || IsAwaitedByNextStatement(task);

    private static bool IsAwaitedByNextStatement(IOperation task)
    {
        var parent = task.Parent;
        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        ILocalSymbol? local = parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } => target.Local,
            _ => null,
        };
        var statement = task.Syntax.FirstAncestorOrSelf<StatementSyntax>();
        if (local is null || statement?.Parent is not BlockSyntax block || task.SemanticModel is not { } model)
        {
            return false;
        }

        int index = block.Statements.IndexOf(statement);
        if (index < 0 || index + 1 >= block.Statements.Count)
        {
            return false;
        }

        foreach (var name in block.Statements[index + 1].DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (name.Identifier.ValueText == local.Name && model.GetOperation(name) is ILocalReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Local, local) && IsAwaitedInPlace(reference))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAwaitedInPlace(IOperation task)
    {
        var current = task;
        while (true)
        {
            var parent = current.Parent;
            switch (parent)
            {
                case IConversionOperation or IParenthesizedOperation:
                    current = parent;
                    continue;
                case IInvocationOperation { TargetMethod.Name: "ConfigureAwait" or "GetAwaiter" } call when ReferenceEquals(call.Instance, current):
                    current = parent;
                    continue;
                case IInvocationOperation { TargetMethod.Name: "GetResult" or "Wait" } call when ReferenceEquals(call.Instance, current):
                    return true;
                case IPropertyReferenceOperation { Property.Name: "Result" } property when ReferenceEquals(property.Instance, current):
                    return true;
                case IAwaitOperation or IReturnOperation:
                    return true;
                default:
                    return false;
            }
        }
    }
}
