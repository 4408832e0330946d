using Ppl.Params;
using static TorchSharp.torch;

namespace Ppl.Testing;

/// <summary>Sets parameters by hand, so a test can put a guide at known values.</summary>
public static class ParamStoreEdits
{
    /// <summary>Overwrites the unconstrained value of parameter <paramref name="name"/> in place (no gradient recorded).</summary>
    public static void SetUnconstrained(this ParamStore store, string name, Tensor unconstrained)
    {
        ArgumentNullException.ThrowIfNull(store);
        using (no_grad())
        {
            store.GetUnconstrained(name).copy_(unconstrained);
        }
    }
}
