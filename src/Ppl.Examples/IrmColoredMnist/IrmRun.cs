using Ppl.Causal.Invariance;

namespace Ppl.Examples.IrmColoredMnist;

/// <summary>One method trained once: its final accuracies and its recorded history.</summary>
/// <param name="Method">The method.</param>
/// <param name="Restart">The restart, from 0.</param>
/// <param name="Train">Final mean accuracy over the training environments.</param>
/// <param name="Test">Final accuracy in the test environment.</param>
/// <param name="History">The metrics every few steps.</param>
/// <param name="Seconds">Wall-clock training time.</param>
internal sealed record IrmRun(IrmMethod Method, int Restart, double Train, double Test, IReadOnlyList<IrmRecord> History, double Seconds);
