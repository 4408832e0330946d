namespace Ppl.Causal.Invariance;

/// <summary>
/// The metrics of <see cref="InvariantRiskMinimization.Fit"/> at one step, measured on the network
/// before that step's update (as the authors' code logs them).
/// </summary>
/// <param name="Step">The step, from 0.</param>
/// <param name="Risk">The mean over training environments of the mean binary cross-entropy.</param>
/// <param name="TrainAccuracy">The mean over training environments of the accuracy (logit &gt; 0 predicts 1).</param>
/// <param name="Penalty">The mean over training environments of the IRMv1 penalty.</param>
/// <param name="PenaltyWeight">The penalty's weight at this step.</param>
/// <param name="Accuracies">The accuracy in each evaluation environment, in the order given.</param>
public sealed record IrmRecord(int Step, double Risk, double TrainAccuracy, double Penalty, double PenaltyWeight, IReadOnlyList<double> Accuracies);
