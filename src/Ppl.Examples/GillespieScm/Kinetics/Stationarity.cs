using System.Reactive.Linq;

namespace Ppl.Examples.GillespieScm.Kinetics;

/// <summary>Early stopping for trajectory streams: stop once a quantity has settled.</summary>
public static class Stationarity
{
    /// <summary>
    /// Passes the stream through until the time-weighted average of <paramref name="value"/> over
    /// one window of length <paramref name="window"/> differs from the previous window's by at most
    /// <paramref name="tolerance"/>, then completes (and unsubscribes, which stops a simulation).
    /// Each element's value holds from its time until the next element's (a jump process).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The window or tolerance is not positive.</exception>
    public static IObservable<T> TakeUntilStationary<T>(this IObservable<T> source, Func<T, double> time, Func<T, double> value, double window, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(value);
        if (!(window > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be a positive duration.");
        }

        if (!(tolerance > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The tolerance must be positive.");
        }

        // Defer: each subscription gets its own detector
        return Observable.Defer(() =>
        {
            var detector = new WindowAverages(window, tolerance);
            return source.TakeWhile(x => !detector.Observe(time(x), value(x)));
        });
    }

    /// <summary>Time-weighted window averages of a piecewise-constant signal.</summary>
    private sealed class WindowAverages(double window, double tolerance)
    {
        private double _lastTime = double.NaN;
        private double _lastValue;
        private double _windowEnd = double.NaN;
        private double _integral;
        private double? _previousMean;

        /// <summary>Adds a point; true once two consecutive windows agree within the tolerance.</summary>
        public bool Observe(double t, double v)
        {
            if (double.IsNaN(_lastTime))
            {
                (_lastTime, _lastValue, _windowEnd) = (t, v, t + window);
                return false;
            }

            bool settled = false;
            while (t >= _windowEnd)
            {
                _integral += _lastValue * (_windowEnd - _lastTime);
                double mean = _integral / window;
                settled |= _previousMean is double previous && Math.Abs(mean - previous) <= tolerance;
                (_previousMean, _integral, _lastTime) = (mean, 0, _windowEnd);
                _windowEnd += window;
            }

            _integral += _lastValue * (t - _lastTime);
            (_lastTime, _lastValue) = (t, v);
            return settled;
        }
    }
}
