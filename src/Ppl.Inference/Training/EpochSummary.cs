namespace Ppl.Inference.Training;

/// <summary>
/// One finished epoch of a <see cref="SviTrainer{TArgs}"/> run. Losses are −ELBO per data row:
/// the batches' step losses (each an estimate for the whole data set, because the batch opens its
/// scaled plate) weighted by their share of the rows and divided by the number of rows.
/// </summary>
/// <param name="Epoch">The epoch number (0 for the first).</param>
/// <param name="Steps">The SVI step count when the epoch ended.</param>
/// <param name="TrainLoss">−ELBO per training row, averaged over the epoch's steps (the parameters change during the epoch).</param>
/// <param name="TestLoss">−ELBO per test row at the parameters the epoch ended with; null without a test set.</param>
/// <param name="LearningRate">The optimizer's learning rate for the next step (after any schedule).</param>
/// <param name="Seconds">Wall time of the epoch, test evaluation included.</param>
public sealed record EpochSummary(int Epoch, long Steps, double TrainLoss, double? TestLoss, double LearningRate, double Seconds)
{
    /// <summary>The loss early stopping watches: the test loss when there is one, else the training loss.</summary>
    public double Monitored => TestLoss ?? TrainLoss;
}
