using System.Reactive.Linq;
using Ppl.Examples.GillespieScm.Kinetics;

namespace Ppl.Tests.Examples.GillespieScm.Kinetics;

/// <summary>The window-average stop rule on deterministic signals.</summary>
public sealed class StationarityTests
{
    private static IList<(double T, double V)> Run(Func<double, double> signal, double window, double tolerance) =>
        Enumerable.Range(0, 1000).Select(k => (T: k * 0.1, V: signal(k * 0.1))).ToObservable()
            .TakeUntilStationary(p => p.T, p => p.V, window, tolerance).ToList().Wait();

    [Fact]
    public void AConstantSignalStopsAfterTwoWindows()
    {
        var taken = Run(_ => 3, window: 2, tolerance: 0.01);
        Assert.InRange(taken[^1].T, 3.9, 4.0); // the element at t = 4 closes the second window and is not passed on
    }

    [Fact]
    public void ARampNeverSettlesWithinATightTolerance()
    {
        var taken = Run(t => t, window: 2, tolerance: 0.5); // window means differ by 2 each time
        Assert.Equal(1000, taken.Count);
    }

    [Fact]
    public void ASaturatingSignalStopsOnceItsWindowsAgree()
    {
        // 10·(1 − e^(−t)): consecutive window means [a − 2, a], [a, a + 2] differ by 3.74·e^(−(a − 2)), below 0.2 first for the windows ending at 6 and 8
        var taken = Run(t => 10 * (1 - Math.Exp(-t)), window: 2, tolerance: 0.2);
        Assert.InRange(taken[^1].T, 7.85, 7.95); // windows [4, 6] and [6, 8] differ by 3.74·e^-4 ≈ 0.07
    }
}
