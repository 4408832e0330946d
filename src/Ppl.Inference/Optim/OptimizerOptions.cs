namespace Ppl.Inference.Optim;

/// <summary>
/// Hyperparameters of an <see cref="Optimizer"/>. Every property is optional so that a
/// <see cref="Optimizer.PerParameter"/> hook can override just the ones it cares about (as Pyro's
/// callable optimizer arguments do); an unset property falls back to the optimizer's default.
/// Properties an optimizer has no use for are ignored by it, so one hook can serve several
/// optimizer kinds.
/// </summary>
public sealed record OptimizerOptions
{
    /// <summary>Base learning rate (before any <see cref="LearningRateSchedule"/>); non-negative.</summary>
    public double? LearningRate { get; init; }

    /// <summary>L2 penalty added to the gradient (PyTorch's coupled weight decay); non-negative.</summary>
    public double? WeightDecay { get; init; }

    /// <summary>Term added to denominators for numerical stability; non-negative.</summary>
    public double? Eps { get; init; }

    /// <summary>Decay rate of the first-moment average (Adam, ClippedAdam); in [0, 1).</summary>
    public double? Beta1 { get; init; }

    /// <summary>Decay rate of the second-moment average (Adam, ClippedAdam); in [0, 1).</summary>
    public double? Beta2 { get; init; }

    /// <summary>Momentum factor (Sgd, RmsProp); non-negative.</summary>
    public double? Momentum { get; init; }

    /// <summary>Dampening of the momentum (Sgd).</summary>
    public double? Dampening { get; init; }

    /// <summary>Smoothing constant of the squared-gradient average (RmsProp); non-negative.</summary>
    public double? Alpha { get; init; }

    /// <summary>Elementwise gradient clamp (ClippedAdam); positive.</summary>
    public double? ClipNorm { get; init; }

    /// <summary>Multiplicative per-step learning-rate decay (ClippedAdam's <c>lrd</c>); positive.</summary>
    public double? Lrd { get; init; }

    /// <summary>Additive learning-rate decay, lr / (1 + (t − 1)·decay) (AdaGrad's <c>lr_decay</c>); non-negative.</summary>
    public double? LearningRateDecay { get; init; }

    /// <summary>These options with every property that <paramref name="overrides"/> sets replaced by its value.</summary>
    internal OptimizerOptions OverriddenBy(OptimizerOptions overrides) => new()
    {
        LearningRate = overrides.LearningRate ?? LearningRate,
        WeightDecay = overrides.WeightDecay ?? WeightDecay,
        Eps = overrides.Eps ?? Eps,
        Beta1 = overrides.Beta1 ?? Beta1,
        Beta2 = overrides.Beta2 ?? Beta2,
        Momentum = overrides.Momentum ?? Momentum,
        Dampening = overrides.Dampening ?? Dampening,
        Alpha = overrides.Alpha ?? Alpha,
        ClipNorm = overrides.ClipNorm ?? ClipNorm,
        Lrd = overrides.Lrd ?? Lrd,
        LearningRateDecay = overrides.LearningRateDecay ?? LearningRateDecay,
    };

    /// <summary>
    /// Throws when a set property is out of range. <paramref name="parameterName"/> is null for
    /// constructor arguments, else the model parameter whose override is being checked, so the
    /// message points at the hook rather than the constructor.
    /// </summary>
    internal void Validate(string optimizer, string? parameterName)
    {
        string where = parameterName is null ? optimizer : $"{optimizer} (PerParameter options for '{parameterName}')";
        Check(LearningRate, "lr", "learning rate", v => v >= 0, "must be non-negative");
        Check(WeightDecay, "weightDecay", "weight decay", v => v >= 0, "must be non-negative");
        Check(Eps, "eps", "eps", v => v >= 0, "must be non-negative");
        Check(Beta1, "beta1", "beta1", v => v is >= 0 and < 1, "must be in [0, 1)");
        Check(Beta2, "beta2", "beta2", v => v is >= 0 and < 1, "must be in [0, 1)");
        Check(Momentum, "momentum", "momentum", v => v >= 0, "must be non-negative");
        Check(Dampening, "dampening", "dampening", double.IsFinite, "must be finite");
        Check(Alpha, "alpha", "alpha", v => v >= 0, "must be non-negative");
        Check(ClipNorm, "clipNorm", "clip norm", v => v > 0, "must be positive");
        Check(Lrd, "lrd", "lrd", v => v > 0, "must be positive");
        Check(LearningRateDecay, "lrDecay", "learning-rate decay", v => v >= 0, "must be non-negative");

        void Check(double? value, string argument, string what, Func<double, bool> ok, string rule)
        {
            // NaN fails every comparison above, so it is rejected along with out-of-range values.
            if (value is double v && (!ok(v) || double.IsNaN(v)))
            {
                throw new ArgumentException($"{where}: {what} {rule}, got {v}.", argument);
            }
        }
    }
}
