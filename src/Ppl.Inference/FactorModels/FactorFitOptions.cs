namespace Ppl.Inference.FactorModels;

/// <summary>How <see cref="FactorModelFitting.Fit"/> runs SVI.</summary>
public sealed record FactorFitOptions
{
    /// <summary>Passes over the units.</summary>
    public int Epochs { get; init; } = 200;

    /// <summary>Units per step (the plate subsamples them and scales to the data set).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 0.02;

    /// <summary>
    /// The learning rate's factor from the first step to the last (exponential decay per step): the
    /// per-unit parameters are seen once an epoch, and a rate that stays high leaves them jittering,
    /// which biases the noise estimate upwards.
    /// </summary>
    public double LearningRateDecay { get; init; } = 0.01;

    /// <summary>Seed of the batches and of SVI's draws.</summary>
    public int Seed { get; init; }

    /// <exception cref="ArgumentOutOfRangeException">A count is below 1 or the learning rate is not positive.</exception>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        if (!(LearningRate > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "FactorFitOptions.LearningRate must be positive.");
        }

        if (!(LearningRateDecay > 0 && LearningRateDecay <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRateDecay), LearningRateDecay, "FactorFitOptions.LearningRateDecay must be in (0, 1]; 1 keeps the rate constant.");
        }
    }
}
