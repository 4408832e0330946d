using Microsoft.CodeAnalysis;

namespace Ppl.Analyzers;

/// <summary>The rules of Ppl's analyzer; docs/analyzer.md shows each with a wrong and a right snippet.</summary>
internal static class Descriptors
{
    public static readonly DiagnosticDescriptor IntegerAsScalarType = new(
        id: "PPL0001",
        title: "Integer argument binds to a ScalarType parameter",
        messageFormat: "'{0}' binds to its ScalarType overload: the constant {1} is read as ScalarType.{2}, not as a dim; {3}",
        category: "Usage",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "C# converts the integer constant 0 to any enum, so TorchSharp's t.sum(0) and t.prod(0) call sum(ScalarType?) "
            + "and reduce every element into a byte instead of reducing dim 0. For a dim write t.sum(0, keepdim: false) or t.sum([0L]); "
            + "for a dtype name it, e.g. ScalarType.Float32.");

    public static readonly DiagnosticDescriptor UncheckedMatMul = new(
        id: "PPL0002",
        title: "Unchecked matmul in a model",
        messageFormat: "'{0}' in a function that records sites: a shape mismatch in TorchSharp 0.107's matmul kills the process; use TensorOps.CheckedMatMul (or BatchedDot, BatchedMatVec)",
        category: "Reliability",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "TorchSharp 0.107's matmul does not catch libtorch's errors: mismatched shapes abort the process instead of throwing. "
            + "A model written for one draw hits this as soon as its draws are vectorized (particles, predictive draws, counterfactual worlds). "
            + "Ppl.TensorOps.CheckedMatMul checks shapes, dtype and device first and throws an ArgumentException naming both shapes.");

    public static readonly DiagnosticDescriptor UndisposedScope = new(
        id: "PPL0003",
        title: "Plate or handler scope not disposed",
        messageFormat: "The {0} returned by '{1}' is {2}: the plate or handler stays installed for every site after it; enter it with 'using'",
        category: "Usage",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Plate(...), UnsizedPlate(...), PlateDefinition.Enter(), BlockPlate(...), Messenger.Install() and ParamStore.Activate() "
            + "install a handler until their scope is disposed. A discarded or never-disposed scope leaves it installed: later sites land in "
            + "the plate (wrong shapes, wrong scaling) and the next handler to leave throws 'disposed out of order'. Write 'using var p = Plate(...);' "
            + "or 'using (Plate(...)) { ... }'.");

    public static readonly DiagnosticDescriptor ConcurrentSites = new(
        id: "PPL0004",
        title: "Sites recorded from branches that run at the same time",
        messageFormat: "{0} runs {1}, which records sites (it calls '{2}'), {3}; a trace records one flow at a time and loses or reorders sites recorded concurrently: await each sub-model before starting the next",
        category: "Reliability",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Handlers follow a model across await, so a plain sequential await is fine. Branches that run at the same time are not: "
            + "Parallel.For/ForEach/Invoke, threads, Task.Run or async sub-models whose tasks are started before the previous one is awaited "
            + "(Task.WhenAll). Their sites reach one trace from several threads; Trace is not synchronized, and sites go missing or arrive "
            + "in a different order each run. Await each sub-model where it is called, or vectorize with a plate.");

    public static readonly DiagnosticDescriptor ThreadBoundScopeAcrossAwait = new(
        id: "PPL0005",
        title: "TorchSharp dispose scope or grad mode held across an await",
        messageFormat: "This await is inside '{0}', which belongs to the thread that entered it, and the code after the await may run on another thread: {1}; close the scope before the await and open a new one after it",
        category: "Reliability",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Ppl's handlers follow a model across await, but TorchSharp's dispose scopes and libtorch's grad mode are per thread. "
            + "After an await the code may resume on a thread-pool thread: tensors it creates escape the dispose scope (freed only by the "
            + "finalizer), and no_grad or inference_mode no longer applies. Keep such scopes between awaits.");

    public static readonly DiagnosticDescriptor TensorAsText = new(
        id: "PPL0006",
        title: "Tensor turned into text shows only its metadata",
        messageFormat: "{0} turns a Tensor into text with Tensor.ToString(), which gives only its metadata ('[3], type = Float32, device = cpu'), no values; write TensorFormat.Values(t), t.npstr() or t.item<T>()",
        category: "Usage",
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "TorchSharp's Tensor.ToString() returns the shape, dtype and device, not the values, so $\"{t}\", \"x = \" + t and "
            + "Console.WriteLine(t) print no numbers. Use Ppl's TensorFormat.Values(t) (a short, culture-invariant line), TorchSharp's "
            + "t.npstr() or t.str(), or t.item<T>() for a scalar (T the tensor's own element type). To print the metadata on purpose, "
            + "say so: ShapeUtil-style text from t.shape and t.dtype.");
}
