using Ppl.Inference.Guides;

namespace Ppl.Inference.FactorModels;

/// <summary>How <see cref="FactorModelFitting.Fit"/> runs SVI.</summary>
public sealed record FactorFitOptions
{
    /// <summary>Passes over the units.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Units per step (the plate subsamples them and scales to the data set).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Adam's learning rate at the first step.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>
    /// Adam's learning rate of the encoder's weights at the first step. Adam moves every weight by about
    /// its learning rate whatever its gradient's size, and a unit's encoding sums over its m causes, so
    /// at the per-cause parameters' rate Ẑ would jump by up to m times that rate a step; null takes
    /// <see cref="LearningRate"/> × 2/√m (0.006 for 0.05 and 300 causes).
    /// </summary>
    public double? EncoderLearningRate { get; init; }

    /// <summary>The learning rate's factor from the first step to the last (exponential decay per step); 1 keeps it constant.</summary>
    public double LearningRateDecay { get; init; } = 0.05;

    /// <summary>Hidden tanh units of the encoder q(Z | A); 0 makes it linear (see <see cref="FactorEncoder"/>).</summary>
    public int EncoderHiddenUnits { get; init; }

    /// <summary>ELBO particles per step.</summary>
    public int Particles { get; init; } = 1;

    /// <summary>
    /// Rounds of Monte Carlo EM after SVI (see <see cref="FactorModelFitting.Fit"/>): each draws
    /// <see cref="EmProposals"/> importance draws of every unit's Z and moves θ's median and the model's
    /// parameters to the maximum of the importance-sampled marginal log-likelihood plus log p(θ). 0 (the
    /// default) keeps SVI's estimate, whose loadings the ELBO shrinks towards 0. Each evaluation of a
    /// round ends with <see cref="TensorMemory.ReleaseFreed"/> while <see cref="TensorMemory.AutoRelease"/>
    /// is on: on glibc before 2.39 the heap would otherwise grow by every evaluation's tensors.
    /// </summary>
    public int EmRounds { get; init; }

    /// <summary>Importance draws of each unit's Z per EM round.</summary>
    public int EmProposals { get; init; } = 32;

    /// <summary>Told the number of epochs done after each epoch (for a progress bar); null tells nobody.</summary>
    public IProgress<int>? Progress { get; init; }

    /// <summary>Where the guide of the per-cause latents θ starts (Pyro's <c>init_loc_fn</c>); null takes <see cref="FactorModel.CauseInit"/>.</summary>
    public InitStrategy? CauseInit { get; init; }

    /// <summary>Seed of the encoder's initial weights, the batches and SVI's draws.</summary>
    public int Seed { get; init; }

    /// <exception cref="ArgumentOutOfRangeException">A count is out of range or the learning rate is not positive.</exception>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(Particles, 1, nameof(Particles));
        ArgumentOutOfRangeException.ThrowIfNegative(EncoderHiddenUnits, nameof(EncoderHiddenUnits));
        ArgumentOutOfRangeException.ThrowIfNegative(EmRounds, nameof(EmRounds));
        ArgumentOutOfRangeException.ThrowIfLessThan(EmProposals, 1, nameof(EmProposals));
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
