namespace Ppl.Inference.Mcmc;

/// <summary>
/// Stan's warm-up of one chain's kernel: dual averaging of the step size after every iteration, the metric
/// re-estimated at the end of each window of <see cref="WarmupSchedule"/> (then the step size found afresh
/// and the averaging restarted from it), and the averaged step size at the end of warm-up.
/// </summary>
internal sealed class WarmupAdapter(McmcOptions options, int dimension)
{
    private readonly WarmupSchedule _schedule = new(options.Warmup);
    private readonly CovarianceEstimator _estimator = new(dimension, options.DenseMetric);
    private DualAveraging? _stepSize;

    /// <summary>Finds the first step size from the initial position.</summary>
    public void Start(HamiltonianKernel kernel, PhasePoint current, PotentialFunction potential, Random random)
    {
        if (options.AdaptStepSize && options.Warmup > 0)
        {
            kernel.FindReasonableStepSize(current, potential, random);
            _stepSize = new DualAveraging(kernel.StepSize, options.TargetAcceptance);
        }
    }

    /// <summary>Adapts after warm-up iteration <paramref name="iteration"/> (0-based), which produced <paramref name="stats"/> and left the chain at <paramref name="current"/>.</summary>
    public void After(int iteration, TransitionStats stats, HamiltonianKernel kernel, PhasePoint current, PotentialFunction potential, Random random)
    {
        if (_stepSize is not null)
        {
            _stepSize.Update(stats.AcceptanceStatistic);
            kernel.StepSize = _stepSize.StepSize;
        }

        if (options.AdaptMetric && _schedule.CollectsAt(iteration))
        {
            _estimator.Add(current.Position);
            if (_schedule.EndsWindowAt(iteration))
            {
                kernel.Metric = _estimator.InverseMetric();
                _estimator.Reset();
                if (_stepSize is not null)
                {
                    kernel.FindReasonableStepSize(current, potential, random);
                    _stepSize = new DualAveraging(kernel.StepSize, options.TargetAcceptance);
                }
            }
        }

        if (iteration == options.Warmup - 1 && _stepSize is not null)
        {
            kernel.StepSize = _stepSize.AveragedStepSize;
        }
    }
}
