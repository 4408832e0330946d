namespace Ppl.Tests;

/// <summary>
/// Native tensor statistics and handler stacks are per-thread and libtorch state is global, so
/// tests that count tensors or seed generators must not run in parallel (TorchSharp's own tests
/// do the same).
/// </summary>
[CollectionDefinition("Sequential", DisableParallelization = true)]
public sealed class SequentialCollection
{
}
