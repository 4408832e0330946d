namespace Ppl.Causal.IndependentMechanisms;

/// <summary>
/// How <see cref="CompetingExperts.Fit"/> trains (the defaults are Parascandolo et al.'s): every expert
/// first learns to approximate the identity on the transformed data, then experts and discriminator
/// take turns on minibatches with Adam.
/// </summary>
public sealed record CompetingExpertsOptions
{
    /// <summary>Competition iterations (the paper's 2,000).</summary>
    public int Iterations { get; init; } = 2000;

    /// <summary>Examples per minibatch, of transformed and of canonical data alike.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Iterations each expert is trained towards the identity before the competition (the paper: at most 200; 0 skips it).</summary>
    public int IdentitySteps { get; init; } = 200;

    /// <summary>Adam's learning rate for the experts, in pretraining and competition.</summary>
    public double ExpertLearningRate { get; init; } = 1e-3;

    /// <summary>Adam's learning rate for the discriminator.</summary>
    public double DiscriminatorLearningRate { get; init; } = 1e-3;

    /// <summary>Report a <see cref="CompetingExpertsRecord"/> every this many iterations (and before the first and after the last).</summary>
    public int RecordEvery { get; init; } = 50;

    /// <exception cref="ArgumentOutOfRangeException">A count is out of range or a learning rate is not positive and finite.</exception>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Iterations, nameof(Iterations));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegative(IdentitySteps, nameof(IdentitySteps));
        ArgumentOutOfRangeException.ThrowIfLessThan(RecordEvery, 1, nameof(RecordEvery));
        foreach (var (name, rate) in new[] { (nameof(ExpertLearningRate), ExpertLearningRate), (nameof(DiscriminatorLearningRate), DiscriminatorLearningRate) })
        {
            if (!(rate > 0 && double.IsFinite(rate)))
            {
                throw new ArgumentOutOfRangeException(name, rate, $"CompetingExpertsOptions.{name} must be positive and finite.");
            }
        }
    }
}
