using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Modules;

/// <summary>Walks a module tree whose root may be a <see cref="PplModule{TIn, TOut}"/>: qualified names and plain-parameter registration.</summary>
internal static class ModuleTree
{
    /// <summary>Joins a prefix and a local name with a dot ("" prefixes nothing).</summary>
    public static string Join(string prefix, string name) =>
        prefix.Length == 0 ? name : name.Length == 0 ? prefix : $"{prefix}.{name}";

    /// <summary>
    /// Gives every <see cref="PplModule{TIn, TOut}"/> below <paramref name="root"/> the prefix of its
    /// path from the root (TorchSharp's registered names), under the root's own prefix; returns
    /// the Ppl modules of the tree, root first when it is one.
    /// </summary>
    public static List<IPplModule> Name(nn.Module root)
    {
        var members = new List<IPplModule>();
        string prefix = root is IPplModule r ? r.SitePrefix : "";
        if (root is IPplModule self)
        {
            members.Add(self);
        }

        foreach (var (path, module) in root.named_modules())
        {
            if (path.Length > 0 && !ReferenceEquals(module, root) && module is IPplModule child)
            {
                child.SitePrefix = Join(prefix, path);
                members.Add(child);
            }
        }

        return members;
    }

    /// <summary>
    /// Inside handlers, sends a param site for every plain parameter of the tree (the storage of
    /// constrained attributes excepted: those are read as their own sites), named by its path
    /// under the root's prefix, so the active store holds (and trains, saves, moves) the module's
    /// own tensors.
    /// </summary>
    public static void RegisterParameters(nn.Module root)
    {
        if (!HandlerStack.IsActive)
        {
            return;
        }

        string prefix = root is IPplModule r ? r.SitePrefix : "";
        var storage = new HashSet<string>(StringComparer.Ordinal);
        if (root is IPplModule self)
        {
            storage.UnionWith(self.StorageParameterNames);
        }

        foreach (var (path, module) in root.named_modules())
        {
            if (module is IPplModule child && !ReferenceEquals(module, root))
            {
                storage.UnionWith(child.StorageParameterNames.Select(n => Join(path, n)));
            }
        }

        foreach (var (path, parameter) in root.named_parameters())
        {
            if (!storage.Contains(path))
            {
                Primitives.ModuleParameter(Join(prefix, path), parameter, root, path, Distributions.Constraints.Real, eventDim: null);
            }
        }
    }
}
