using static TorchSharp.torch;

namespace Ppl.Causal.IndependentMechanisms;

/// <summary>
/// Puts networks in evaluation mode and gives each back the mode it came in with. The E-step runs every expert
/// on every example; in training mode that would fold all of them into each expert's normalization statistics,
/// which must describe only the examples the expert wins.
/// </summary>
internal sealed class EvaluationMode : IDisposable
{
    private readonly List<nn.Module> _networks;
    private readonly bool[] _modes;

    public EvaluationMode(IEnumerable<nn.Module> networks)
    {
        _networks = networks.ToList();
        _modes = _networks.Select(network => network.training).ToArray();
        foreach (var network in _networks)
        {
            network.eval();
        }
    }

    public void Dispose()
    {
        for (int i = 0; i < _networks.Count; i++)
        {
            _networks[i].train(_modes[i]);
        }
    }
}
