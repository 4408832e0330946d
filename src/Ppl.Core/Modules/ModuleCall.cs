using static TorchSharp.torch;

namespace Ppl.Modules;

/// <summary>
/// One call of a root <see cref="PplModule{TIn, TOut}"/> (Pyro's module context): every module of
/// the tree shares it while the call runs, so an attribute read twice in one call (or by two
/// submodules) is one site and one value. Values live only as long as the call.
/// </summary>
internal sealed class ModuleCall
{
    private readonly Dictionary<string, Tensor> _values = new(StringComparer.Ordinal);
    private readonly List<IPplModule> _members = [];

    private ModuleCall()
    {
    }

    /// <summary>
    /// Starts a call of <paramref name="root"/>: names the tree, shares this call with every
    /// module in it and, inside handlers, registers the tree's plain parameters (which the
    /// module's own computation reads directly, without sites).
    /// </summary>
    public static ModuleCall Begin(nn.Module root)
    {
        var call = new ModuleCall();
        foreach (var member in ModuleTree.Name(root))
        {
            member.Call = call;
            call._members.Add(member);
        }

        ModuleTree.RegisterParameters(root);
        return call;
    }

    /// <summary>The value an attribute's site already has in this call.</summary>
    public bool TryGet(string site, out Tensor value) => _values.TryGetValue(site, out value!);

    /// <summary>Remembers an attribute's value for the rest of the call.</summary>
    public void Add(string site, Tensor value) => _values[site] = value;

    /// <summary>Ends the call: the modules leave it and its values are forgotten (not disposed: they belong to the caller's scope).</summary>
    public void End()
    {
        foreach (var member in _members)
        {
            member.Call = null;
        }

        _values.Clear();
    }
}
