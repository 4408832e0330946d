using static TorchSharp.torch;

namespace Ppl.Inference.Training;

/// <summary>How a <see cref="SviTrainer{TArgs}"/> run goes.</summary>
public sealed record TrainingOptions
{
    /// <summary>The last epoch number plus one: a resumed run continues up to it.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Stop when the monitored loss stops improving; null trains every epoch.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>
    /// A folder for a checkpoint at the end of every epoch (parameters, optimizer state, step
    /// count, and the history so far); null keeps nothing on disk.
    /// </summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>
    /// Continue from the checkpoint in <see cref="CheckpointDirectory"/> when there is one. The
    /// batches' order depends only on their seed and the epoch, and the SVI seed sequence on the
    /// step count, so a resumed run takes the same steps as one that never stopped.
    /// </summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Where a resumed run creates the parameters it loads that the store does not hold yet
    /// (typically all of them, since a fresh store fills on the first step); CPU when null.
    /// </summary>
    public Device? Device { get; init; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Epochs below 1, or bad early-stopping settings.</exception>
    /// <exception cref="ArgumentException"><see cref="Resume"/> without a checkpoint folder.</exception>
    internal void Validate()
    {
        if (Epochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "TrainingOptions: train at least one epoch.");
        }

        EarlyStopping?.Validate();
        if (Resume && CheckpointDirectory is null)
        {
            throw new ArgumentException("TrainingOptions: Resume needs a CheckpointDirectory to resume from.", nameof(Resume));
        }
    }
}
