namespace Ppl.Inference;

/// <summary>One step of an SVI run, as streamed by <see cref="Svi{TArgs}.Run"/>.</summary>
/// <param name="Step">The step number (1 for the first step of this SVI object).</param>
/// <param name="Loss">The −ELBO estimate of the step.</param>
/// <param name="Elapsed">Wall time since the run started.</param>
/// <param name="ParamNorms">The L2 norm of each constrained parameter after the step (empty when not requested).</param>
public sealed record SviProgress(long Step, double Loss, TimeSpan Elapsed, IReadOnlyDictionary<string, double> ParamNorms);
