namespace Ppl.Inference.Training;

/// <summary>
/// When training stops before its last epoch (Keras's <c>EarlyStopping</c>): after
/// <see cref="Patience"/> epochs in a row whose monitored loss (the test set's when there is one,
/// else the training set's) did not improve on the best so far by more than
/// <see cref="MinDelta"/>.
/// </summary>
/// <param name="Patience">Epochs without improvement that are tolerated; at least 1.</param>
/// <param name="MinDelta">The least decrease (per row) that counts as an improvement; non-negative.</param>
/// <param name="RestoreBest">Whether to put back the parameters of the best epoch when training ends.</param>
public sealed record EarlyStopping(int Patience, double MinDelta = 0, bool RestoreBest = true)
{
    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Patience below 1, or a negative or non-finite <see cref="MinDelta"/>.</exception>
    internal void Validate()
    {
        if (Patience < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "EarlyStopping: patience must be at least one epoch.");
        }

        if (!(MinDelta >= 0) || double.IsInfinity(MinDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(MinDelta), MinDelta, "EarlyStopping: the least improvement must be a finite number ≥ 0.");
        }
    }
}
