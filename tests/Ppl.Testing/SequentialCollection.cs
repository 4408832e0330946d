namespace Ppl.Tests;

/// <summary>
/// Native tensor statistics and handler stacks are per-thread and libtorch state is global, so
/// tests that count tensors or seed generators must not run in parallel (TorchSharp's own tests
/// do the same).
/// </summary>
/// <remarks>
/// xunit only honours a [CollectionDefinition] declared in the test assembly itself, so this one
/// file is not compiled into Ppl.Testing (see its .csproj) but linked into every test project that
/// uses [Collection("Sequential")] (<c>&lt;Compile Include="../Ppl.Testing/SequentialCollection.cs" Link=... /&gt;</c>):
/// one source, one definition per test assembly.
/// </remarks>
[CollectionDefinition("Sequential", DisableParallelization = true)]
public sealed class SequentialCollection
{
}
