namespace Ppl.Modules;

/// <summary>
/// What the runtime needs of a <see cref="PplModule{TIn, TOut}"/> whatever its input and output
/// types: its site-name prefix, the call it takes part in, and its declared constrained attributes
/// (whose storage parameters are not plain parameters).
/// </summary>
internal interface IPplModule
{
    /// <summary>The fully qualified prefix of the module's site names ("" for a root that was not named).</summary>
    string SitePrefix { get; set; }

    /// <summary>The call of the enclosing root module in progress, or null outside any call.</summary>
    ModuleCall? Call { get; set; }

    /// <summary>Local names of the module's own parameters that store constrained attributes.</summary>
    IEnumerable<string> StorageParameterNames { get; }
}
