namespace Ppl.Inference.Optim;

/// <summary>
/// A learning rate as a function of the optimizer's step counter and the base learning rate,
/// evaluated before every <see cref="Optimizer.Step(IEnumerable{ValueTuple{string, TorchSharp.Modules.Parameter}})"/>.
/// Step 0 is the first update, so a schedule behaves like a PyTorch scheduler whose
/// <c>scheduler.step()</c> is called after every <c>optimizer.step()</c>. A function rather than
/// a stateful scheduler object so that saving the optimizer's step count is all it takes to
/// resume a schedule exactly.
/// </summary>
public sealed class LearningRateSchedule
{
    private readonly Func<long, double, double> _schedule;

    /// <summary>Wraps <paramref name="schedule"/>: (step, base learning rate) → learning rate.</summary>
    public LearningRateSchedule(Func<long, double, double> schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedule = schedule;
    }

    /// <summary>The learning rate for update number <paramref name="step"/> (0-based) given the base rate.</summary>
    public double Evaluate(long step, double baseLearningRate) => _schedule(step, baseLearningRate);

    /// <summary>
    /// PyTorch's <c>StepLR</c>: base · γ^⌊step / stepSize⌋. Computed in closed form so a resumed run
    /// does not depend on how many multiplications happened before the checkpoint.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="stepSize"/> is not positive or <paramref name="gamma"/> is negative.</exception>
    public static LearningRateSchedule Step(long stepSize, double gamma = 0.1)
    {
        if (stepSize <= 0)
        {
            throw new ArgumentException($"LearningRateSchedule.Step: step size must be positive, got {stepSize}.", nameof(stepSize));
        }

        RequireNonNegative(gamma, nameof(Step), nameof(gamma));
        return new LearningRateSchedule((step, lr) => lr * Math.Pow(gamma, step / stepSize));
    }

    /// <summary>PyTorch's <c>ExponentialLR</c>: base · γ^step.</summary>
    /// <exception cref="ArgumentException"><paramref name="gamma"/> is negative.</exception>
    public static LearningRateSchedule Exponential(double gamma)
    {
        RequireNonNegative(gamma, nameof(Exponential), nameof(gamma));
        return new LearningRateSchedule((step, lr) => lr * Math.Pow(gamma, step));
    }

    /// <summary>
    /// PyTorch's <c>OneCycleLR</c> with cosine annealing (two phases, no momentum cycling): from
    /// maxLr / divFactor up to <paramref name="maxLr"/> over the first
    /// <paramref name="pctStart"/> of <paramref name="totalSteps"/>, then down to
    /// maxLr / (divFactor · finalDivFactor). The result is absolute: the base learning rate is
    /// ignored, as PyTorch's scheduler overwrites the optimizer's rate.
    /// </summary>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    /// <remarks>Evaluating beyond <paramref name="totalSteps"/> throws <see cref="InvalidOperationException"/>, as PyTorch does.</remarks>
    public static LearningRateSchedule OneCycle(double maxLr, long totalSteps, double pctStart = 0.3, double divFactor = 25, double finalDivFactor = 1e4)
    {
        RequireNonNegative(maxLr, nameof(OneCycle), nameof(maxLr));
        if (totalSteps <= 0)
        {
            throw new ArgumentException($"LearningRateSchedule.OneCycle: total steps must be positive, got {totalSteps}.", nameof(totalSteps));
        }

        if (!(pctStart is >= 0 and <= 1))
        {
            throw new ArgumentException($"LearningRateSchedule.OneCycle: pctStart must be in [0, 1], got {pctStart}.", nameof(pctStart));
        }

        if (!(divFactor > 0))
        {
            throw new ArgumentException($"LearningRateSchedule.OneCycle: divFactor must be positive, got {divFactor}.", nameof(divFactor));
        }

        if (!(finalDivFactor > 0))
        {
            throw new ArgumentException($"LearningRateSchedule.OneCycle: finalDivFactor must be positive, got {finalDivFactor}.", nameof(finalDivFactor));
        }

        double initialLr = maxLr / divFactor;
        double minLr = initialLr / finalDivFactor;
        // PyTorch's phase boundaries, kept as doubles: the warm-up ends at pct·total − 1.
        double warmupEnd = (pctStart * totalSteps) - 1;
        double end = totalSteps - 1;
        return new LearningRateSchedule((step, _) =>
        {
            if (step > totalSteps)
            {
                throw new InvalidOperationException(
                    $"LearningRateSchedule.OneCycle: step {step} is beyond the {totalSteps} total steps the schedule was built for.");
            }

            return step <= warmupEnd
                ? CosineAnneal(initialLr, maxLr, step / warmupEnd)
                : CosineAnneal(maxLr, minLr, (step - warmupEnd) / (end - warmupEnd));
        });
    }

    private static double CosineAnneal(double start, double end, double pct) =>
        end + ((start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1));

    private static void RequireNonNegative(double value, string schedule, string argument)
    {
        if (!(value >= 0))
        {
            throw new ArgumentException($"LearningRateSchedule.{schedule}: {argument} must be non-negative, got {value}.", argument);
        }
    }
}
