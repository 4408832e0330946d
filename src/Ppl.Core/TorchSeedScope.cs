using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// Seeds TorchSharp's global generator for a network's initialization and restores its state
/// afterwards, so creating networks from a seed does not change the draws the rest of the program makes.
/// </summary>
/// <remarks>
/// The global generator is shared by every thread: a draw another thread makes inside the scope (a
/// parallel test, a second model) changes what the scope draws. Where that matters, draw from a
/// generator of your own: <see cref="Modules.SeededInitialization"/> for network weights, a seed
/// handler (<c>model.Seed(seed)</c>) for a model's sample sites.
/// </remarks>
/// <example><code>
/// using (new TorchSeedScope(seed)) { encoder = new MyEncoder(); }   // same weights for the same seed
/// </code></example>
public sealed class TorchSeedScope : IDisposable
{
    private readonly Tensor _state;

    /// <summary>Seeds the global generator with <paramref name="seed"/>, keeping its current state.</summary>
    public TorchSeedScope(long seed)
    {
        _state = random.get_rng_state();
        random.manual_seed(seed);
    }

    /// <summary>Restores the generator state saved at construction.</summary>
    public void Dispose()
    {
        random.set_rng_state(_state);
        _state.Dispose();
    }
}
