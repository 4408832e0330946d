namespace Ppl.Inference.Mcmc;

/// <summary>
/// Stan's windowed adaptation: an initial buffer where only the step size adapts (75 iterations), then
/// metric windows that double from 25 iterations (the last one stretched to the end), then a terminal
/// buffer (50) where the step size settles for the final metric. A warm-up too short for the defaults
/// is split 15 % / 75 % / 10 %, as Stan does.
/// </summary>
public sealed class WarmupSchedule
{
    /// <summary>The schedule of <paramref name="warmup"/> iterations.</summary>
    public WarmupSchedule(int warmup, int initialBuffer = 75, int terminalBuffer = 50, int baseWindow = 25)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        if (initialBuffer + baseWindow + terminalBuffer > warmup)
        {
            initialBuffer = (int)(0.15 * warmup);
            terminalBuffer = (int)(0.1 * warmup);
            baseWindow = warmup - (initialBuffer + terminalBuffer);
        }

        var windows = new List<(int Start, int End)>();
        if (warmup >= 20 && baseWindow > 0)
        {
            int lastEnd = warmup - terminalBuffer; // exclusive
            int start = initialBuffer;
            int size = baseWindow;
            while (start < lastEnd)
            {
                int end = start + size;
                // a window that would leave less than twice its successor's size before the terminal buffer takes the rest
                if (end + (2 * size) > lastEnd)
                {
                    end = lastEnd;
                }

                windows.Add((start, end));
                start = end;
                size *= 2;
            }
        }

        Windows = windows;
    }

    /// <summary>The metric windows as [start, end) iteration ranges of warm-up.</summary>
    public IReadOnlyList<(int Start, int End)> Windows { get; }

    /// <summary>True when iteration <paramref name="iteration"/> (0-based) falls in a metric window.</summary>
    public bool CollectsAt(int iteration) => Windows.Any(w => iteration >= w.Start && iteration < w.End);

    /// <summary>True when iteration <paramref name="iteration"/> is the last of a metric window.</summary>
    public bool EndsWindowAt(int iteration) => Windows.Any(w => iteration == w.End - 1);
}
