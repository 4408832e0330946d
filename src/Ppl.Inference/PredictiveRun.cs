using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>A model run of <see cref="Predictive{TArgs}"/>: its trace, the return value when asked for, and the layout when learned.</summary>
internal sealed record PredictiveRun(Trace Trace, Tensor? Value, PredictiveLayout? Layout);
