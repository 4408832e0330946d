using static TorchSharp.torch;

namespace Ppl.Causal.IndependentMechanisms;

/// <summary>
/// Keeps networks' buffers (batch normalization's running statistics) as they were and puts them back on
/// dispose. The E-step runs every expert on every example in training mode, as the paper's training does;
/// the running statistics, which routing uses later, must come only from the examples each expert wins
/// and is trained on.
/// </summary>
internal sealed class BufferSnapshot : IDisposable
{
    private readonly List<(Tensor Buffer, Tensor Saved)> _buffers;

    public BufferSnapshot(IEnumerable<nn.Module> networks)
    {
        using var noGrad = no_grad();
        _buffers = networks.SelectMany(network => network.buffers()).Select(buffer => (buffer, buffer.detach().clone())).ToList();
    }

    public void Dispose()
    {
        using var noGrad = no_grad();
        foreach (var (buffer, saved) in _buffers)
        {
            buffer.copy_(saved);
            saved.Dispose();
        }
    }
}
