namespace Ppl.Inference.Training;

/// <summary>One step of a <see cref="SviTrainer{TArgs}"/> run, as streamed by <see cref="SviTrainer{TArgs}.Run"/>.</summary>
/// <param name="Epoch">The epoch the step belongs to (0-based).</param>
/// <param name="Batch">The batch number within the epoch (0-based).</param>
/// <param name="BatchesPerEpoch">How many batches an epoch has.</param>
/// <param name="Step">The SVI step count after the step.</param>
/// <param name="Loss">The step's −ELBO estimate per data row.</param>
/// <param name="EpochEnd">The epoch's summary when this step ended it (after the test evaluation); null otherwise.</param>
/// <param name="Stopping">True on the last step when early stopping ends the run.</param>
public sealed record TrainingProgress(int Epoch, int Batch, int BatchesPerEpoch, long Step, double Loss, EpochSummary? EpochEnd, bool Stopping)
{
    /// <summary>How far the run is through its epochs, in epochs (e.g. 2.5 halfway through the third).</summary>
    public double EpochsDone => Epoch + ((Batch + 1.0) / BatchesPerEpoch);
}
