namespace Ppl.Examples.SviRegression;

/// <summary>
/// Decides when a noisy loss has stopped improving: it keeps an exponential moving average of
/// the loss and reports a plateau once the average has gone <c>patience</c> updates without
/// improving on its best value by more than <c>relativeTolerance</c> (relative to that value).
/// </summary>
/// <param name="smoothing">Weight of each new loss in the average, in (0, 1].</param>
/// <param name="relativeTolerance">Improvement that counts, relative to |best|.</param>
/// <param name="patience">Updates without improvement before a plateau is reported.</param>
internal sealed class PlateauDetector(double smoothing, double relativeTolerance, int patience)
{
    private double _best = double.PositiveInfinity;
    private int _sinceImprovement;
    private bool _started;

    /// <summary>The smoothed loss.</summary>
    public double Smoothed { get; private set; }

    /// <summary>Feeds one loss; true once the smoothed loss has plateaued.</summary>
    public bool Update(double loss)
    {
        Smoothed = _started ? Smoothed + (smoothing * (loss - Smoothed)) : loss;
        _started = true;
        if (Smoothed < _best - (relativeTolerance * Math.Abs(_best)) || double.IsPositiveInfinity(_best))
        {
            _best = Smoothed;
            _sinceImprovement = 0;
            return false;
        }

        return ++_sinceImprovement >= patience;
    }
}
