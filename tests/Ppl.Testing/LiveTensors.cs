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
}
