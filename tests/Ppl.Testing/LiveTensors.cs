namespace Ppl.Testing;

/// <summary>
/// Counts native tensors that are still reachable. Tests that build tensors outside dispose
/// scopes leave garbage that the finalizer frees at arbitrary times, so leak checks collect it
/// first: only tensors something still holds are counted.
/// </summary>
public static class LiveTensors
{
    /// <summary>The live tensor count after a full collection and finalization.</summary>
    public static long Count()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TorchSharp.torch.Tensor.TotalCount;
    }

    /// <summary>
    /// Asserts that <paramref name="exercise"/> leaves no tensor behind: runs it once as a warm-up,
    /// counts the live tensors, runs it <paramref name="repeats"/> more times and asserts the count
    /// has not moved. TorchSharp tensors hold native memory the garbage collector does not see, so
    /// a leak shows up in no managed measure; only the tensor count reveals it. The warm-up is not
    /// counted because constants that code creates lazily on first use are not leaks.
    /// </summary>
    /// <param name="exercise">The work to check, usually inside its own dispose scope.</param>
    /// <param name="repeats">How many counted runs follow the warm-up.</param>
    /// <param name="checkScopeStatistics">
    /// Also assert that <see cref="DisposeScopeManager.Statistics"/>' live count on this thread
    /// (tensors created in dispose scopes and not yet disposed) has not moved.
    /// </param>
    /// <returns>The live tensor count before the counted runs, for checks that follow.</returns>
    public static long AssertNoLeak(Action exercise, int repeats = 3, bool checkScopeStatistics = false)
    {
        ArgumentNullException.ThrowIfNull(exercise);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        exercise(); // warm-up: lazily created constants are not leaks
        long before = Count();
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < repeats; i++)
        {
            exercise();
        }

        long after = Count();
        Assert.True(after == before, Leaked("live tensors", before, after, repeats));
        if (checkScopeStatistics)
        {
            long liveAfter = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            Assert.True(liveAfter == liveBefore, Leaked("tensors live in dispose scopes", liveBefore, liveAfter, repeats));
        }

        return before;
    }

    private static string Leaked(string what, long before, long after, int repeats) =>
        $"{what}: {before} before, {after} after {repeats} repeats, {(after - before) / (double)repeats:G4} leaked per repeat";
}
