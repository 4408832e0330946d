namespace Ppl.Causal.Invariance;

/// <summary>
/// How <see cref="InvariantRiskMinimization.Fit"/> trains: full-batch Adam on the mean of the
/// environments' risks, an L2 penalty on every parameter, and the invariance penalty with weight 1 for
/// the first <see cref="PenaltyAnnealSteps"/> steps and <see cref="PenaltyWeight"/> after, the whole
/// objective divided by the weight when it exceeds 1 (as the authors' code does, so Adam's steps keep
/// their size). <see cref="PenaltyWeight"/> 0 with no anneal steps is empirical risk minimization.
/// </summary>
public sealed record IrmOptions
{
    /// <summary>Full-batch steps (the paper's 501).</summary>
    public int Steps { get; init; } = 501;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>The weight of Σ‖θ‖² over every parameter, biases included.</summary>
    public double L2 { get; init; } = 1e-3;

    /// <summary>λ, the invariance penalty's weight after the anneal steps; 0 is ERM.</summary>
    public double PenaltyWeight { get; init; }

    /// <summary>Steps at penalty weight 1 before <see cref="PenaltyWeight"/> applies.</summary>
    public int PenaltyAnnealSteps { get; init; }

    /// <summary>Record the metrics every this many steps (and at the first and last).</summary>
    public int RecordEvery { get; init; } = 10;

    /// <summary>The penalty weight at step <paramref name="step"/> (0-based).</summary>
    public double PenaltyWeightAt(int step) => step >= PenaltyAnnealSteps ? PenaltyWeight : 1.0;

    /// <exception cref="ArgumentOutOfRangeException">A count is out of range, or a rate or weight is negative or not finite.</exception>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Steps, 1, nameof(Steps));
        ArgumentOutOfRangeException.ThrowIfNegative(PenaltyAnnealSteps, nameof(PenaltyAnnealSteps));
        ArgumentOutOfRangeException.ThrowIfLessThan(RecordEvery, 1, nameof(RecordEvery));
        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "IrmOptions.LearningRate must be positive and finite.");
        }

        if (!(L2 >= 0 && double.IsFinite(L2)) || !(PenaltyWeight >= 0 && double.IsFinite(PenaltyWeight)))
        {
            throw new ArgumentOutOfRangeException(nameof(PenaltyWeight), $"IrmOptions: L2 ({L2}) and PenaltyWeight ({PenaltyWeight}) must be non-negative and finite.");
        }
    }
}
