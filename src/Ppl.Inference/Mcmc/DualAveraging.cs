namespace Ppl.Inference.Mcmc;

/// <summary>
/// Nesterov's dual averaging as Hoffman and Gelman (2014, §3.2) adapt the step size: it drives the
/// average acceptance statistic towards <see cref="TargetAcceptance"/> and returns both the current
/// step size (which explores) and the averaged one (which warm-up ends with). Stan's constants.
/// </summary>
/// <param name="initialStepSize">ε₀; the iterates shrink towards μ = log(10 ε₀).</param>
/// <param name="targetAcceptance">δ, the acceptance statistic to reach (0.8 as Pyro and Stan).</param>
public sealed class DualAveraging(double initialStepSize, double targetAcceptance = 0.8)
{
    private const double Gamma = 0.05;
    private const double T0 = 10;
    private const double Kappa = 0.75;
    private readonly double _mu = Math.Log(10 * initialStepSize);
    private double _errorSum;
    private double _logAveraged;
    private int _count;

    /// <summary>δ.</summary>
    public double TargetAcceptance { get; } = targetAcceptance;

    /// <summary>The step size to use next.</summary>
    public double StepSize { get; private set; } = initialStepSize;

    /// <summary>The averaged step size, exp(x̄), the one warm-up hands to sampling.</summary>
    public double AveragedStepSize => _count == 0 ? StepSize : Math.Exp(_logAveraged);

    /// <summary>Takes the acceptance statistic of the last transition and updates both step sizes.</summary>
    public void Update(double acceptance)
    {
        double a = double.IsNaN(acceptance) ? 0 : Math.Clamp(acceptance, 0, 1);
        _count++;
        double eta = 1.0 / (_count + T0);
        _errorSum = ((1 - eta) * _errorSum) + (eta * (TargetAcceptance - a));
        double logStep = _mu - (_errorSum * Math.Sqrt(_count) / Gamma);
        double weight = Math.Pow(_count, -Kappa);
        _logAveraged = (weight * logStep) + ((1 - weight) * _logAveraged);
        StepSize = Math.Exp(logStep);
    }
}
