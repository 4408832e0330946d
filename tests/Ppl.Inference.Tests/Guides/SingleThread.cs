namespace Ppl.Tests.Inference.Guides;

/// <summary>
/// Runs a block with libtorch on one intra-op thread, restoring the count after: the guide tests
/// run thousands of steps on tensors of a few dozen entries, where thread hand-offs cost more
/// than the arithmetic (batched 2×2 Cholesky factors ran 4× slower on two threads).
/// </summary>
internal sealed class SingleThread : IDisposable
{
    private readonly int _previous = torch.get_num_threads();

    public SingleThread() => torch.set_num_threads(1);

    public void Dispose() => torch.set_num_threads(_previous);
}
