using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using Ppl.Effects;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Modules;

/// <summary>
/// A TorchSharp module whose attributes can be effectful (Pyro's <c>PyroModule</c>): besides plain
/// parameters and submodules it has constrained attributes (<see cref="PplParam"/>) and random
/// attributes with a prior (<see cref="PplSample"/>), declared with <see cref="Set(string, PplParam)"/>
/// and read with <see cref="Get"/>. A subclass writes its computation in <see cref="Compute"/>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Sites.</b> Inside a model (any handler installed), reading a constrained attribute is a param
/// site and reading a random attribute a sample site, named by the attribute's qualified path:
/// the root's <see cref="SitePrefix"/> (set by <see cref="Primitives.Module{T}"/>, or "" as in
/// Pyro), then the registered names of the submodules, then the attribute, e.g.
/// <c>net.layer1.weight</c>. Plain parameters of the whole tree are registered as param sites
/// under the same names when a call starts, so a <see cref="Params.ParamStore"/> holds, trains,
/// saves and moves the module's own tensors. Within one call of the root an attribute is one site
/// and one value, however often it is read. Autoguides see random attributes as latents.
/// </para>
/// <para>
/// <b>Outside any handler</b> the module is a plain network: a random attribute is a fresh draw
/// from its prior at every call (reparameterized where the prior allows), one draw per call;
/// constrained attributes are their current values.
/// </para>
/// <para>
/// Random attributes are drawn with the shapes of their priors, so a module that is run under a
/// vectorizing handler (vectorized ELBO particles, a parallel <c>Predictive</c>) receives them with
/// extra leading dims; use sequential particles and predictions unless the computation broadcasts.
/// </para>
/// </remarks>
/// <typeparam name="TIn">The input of <c>forward</c>.</typeparam>
/// <typeparam name="TOut">The output of <c>forward</c>.</typeparam>
public abstract class PplModule<TIn, TOut> : nn.Module<TIn, TOut>, IPplModule
{
    private const string StorageSuffix = "_unconstrained";
    private const string PriorLocSuffix = "_prior_loc";

    private readonly Dictionary<string, object> _attributes = new(StringComparer.Ordinal);
    private string _sitePrefix = "";
    private ModuleCall? _call;

    /// <summary>A module; <paramref name="name"/> is TorchSharp's module name (for debugging), not a site prefix.</summary>
    protected PplModule(string name)
        : base(name)
    {
    }

    /// <summary>
    /// The prefix of this module's site names. A root module gets it from
    /// <see cref="Primitives.Module{T}"/> (or this setter); a submodule's is overwritten with the
    /// root's prefix and its path whenever the root is named or called.
    /// </summary>
    public string SitePrefix
    {
        get => _sitePrefix;
        set => _sitePrefix = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Names of the constrained and random attributes, in declaration order.</summary>
    public IEnumerable<string> AttributeNames => _attributes.Keys;

    /// <inheritdoc />
    ModuleCall? IPplModule.Call
    {
        get => _call;
        set => _call = value;
    }

    /// <inheritdoc />
    IEnumerable<string> IPplModule.StorageParameterNames =>
        _attributes.Where(a => a.Value is PplParam).Select(a => a.Key + StorageSuffix);

    /// <summary>
    /// Runs <see cref="Compute"/>. The outermost call of a tree names its modules and shares one
    /// call among them (each attribute read once), and inside handlers registers the plain parameters.
    /// </summary>
    public sealed override TOut forward(TIn input)
    {
        if (_call is not null)
        {
            return Compute(input);
        }

        var call = ModuleCall.Begin(this);
        try
        {
            return Compute(input);
        }
        finally
        {
            call.End();
        }
    }

    /// <summary>The module's computation; read attributes with <see cref="Get"/>.</summary>
    protected abstract TOut Compute(TIn input);

    /// <summary>
    /// Declares (or redeclares) the constrained attribute <paramref name="name"/>: a plain
    /// parameter or a random attribute of that name is dropped (and the parameter disposed), and
    /// the module gets a parameter <c>{name}_unconstrained</c> holding the unconstrained initial value.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or contains a dot, or the initial value lies outside the constraint.</exception>
    public void Set(string name, PplParam param)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(param);
        var constraint = param.Constraint ?? Constraints.Real;
        Parameter storage;
        using (NewDisposeScope())
        using (no_grad())
        {
            if (Distribution.ValidationEnabled && param.Init.device_type != DeviceType.META && !constraint.Check(param.Init).all().ToBoolean())
            {
                throw new ArgumentException($"{GetType().Name}.{name}: the initial value lies outside the constraint {constraint}.", nameof(param));
            }

            // clone: the module must own its storage, never alias the caller's tensor
            var unconstrained = Bijectors.BijectTo(constraint).Inverse(param.Init).detach().clone();
            storage = new Parameter(unconstrained, requires_grad: true);
            storage.DetachFromDisposeScope();
        }

        Drop(name);
        register_parameter(name + StorageSuffix, storage);
        _attributes[name] = param with { Constraint = constraint };
    }

    /// <summary>
    /// Declares (or redeclares) the random attribute <paramref name="name"/> (Pyro's
    /// <c>module.name = PyroSample(prior)</c>): a plain parameter or a constrained attribute of that
    /// name is dropped, its parameter disposed.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or contains a dot.</exception>
    public void Set(string name, PplSample sample)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(sample);
        Drop(name);
        _attributes[name] = sample;
    }

    /// <summary>
    /// Turns the plain parameter <paramref name="name"/> into a random attribute whose prior
    /// <paramref name="prior"/> builds from a tensor of zeros with the parameter's shape, dtype and
    /// device (kept as a non-persistent buffer, so it follows the module's <c>to</c>): the short
    /// form for making an existing layer's weights random, e.g.
    /// <c>Randomize("weight", loc =&gt; new Normal(loc, 1.0).ToEvent(2))</c>.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The module has no plain parameter of that name.</exception>
    public void Randomize(string name, Func<Tensor, Distribution> prior)
    {
        ArgumentNullException.ThrowIfNull(prior);
        if (!_internal_params.TryGetValue(name, out var parameter))
        {
            throw new KeyNotFoundException($"{GetType().Name} has no plain parameter '{name}' to make random; it has: {string.Join(", ", named_parameters(recurse: false).Select(p => p.name))}.");
        }

        var loc = zeros_like(parameter, requires_grad: false).DetachFromDisposeScope();
        Set(name, new PplSample(() => prior(_internal_buffers[name + PriorLocSuffix].Item1)));
        register_buffer(name + PriorLocSuffix, loc, persistent: false); // after Set, which drops an older one
    }

    /// <summary>
    /// The value of attribute <paramref name="name"/>: a random one's draw (a sample site inside
    /// handlers), a constrained one's value (a param site inside handlers), or a plain parameter
    /// or buffer itself. Within one call of the module tree, the same tensor at every read.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No attribute, parameter or buffer of that name.</exception>
    public Tensor Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_attributes.TryGetValue(name, out var attribute))
        {
            if (_internal_params.TryGetValue(name, out var parameter))
            {
                return parameter;
            }

            return _internal_buffers.TryGetValue(name, out var buffer)
                ? buffer.Item1
                : throw new KeyNotFoundException($"{GetType().Name} has no attribute '{name}'; it has: {string.Join(", ", _attributes.Keys.Concat(named_parameters(recurse: false).Select(p => p.name)))}.");
        }

        string site = ModuleTree.Join(_sitePrefix, name);
        if (_call is not null && _call.TryGet(site, out var known))
        {
            return known;
        }

        var value = attribute switch
        {
            PplParam param => ReadParam(site, name, param),
            PplSample sample => Primitives.Sample(site, sample.Prior() ?? throw new InvalidOperationException($"{GetType().Name}.{name}: the prior function returned null.")),
            _ => throw new InvalidOperationException($"Unknown attribute kind {attribute.GetType().Name}."),
        };
        _call?.Add(site, value);
        return value;
    }

    private Tensor ReadParam(string site, string name, PplParam param)
    {
        var storage = _internal_params[name + StorageSuffix];
        var constraint = param.Constraint!;
        if (HandlerStack.IsActive)
        {
            return Primitives.ModuleParameter(site, storage, this, name + StorageSuffix, constraint, param.EventDim);
        }

        return constraint.Equals(Constraints.Real) ? storage.alias() : Bijectors.BijectTo(constraint).Forward(storage);
    }

    /// <summary>Removes whatever <paramref name="name"/> was: an attribute (and its storage or prior location) or a plain parameter.</summary>
    private void Drop(string name)
    {
        _attributes.Remove(name);
        foreach (var parameterName in new[] { name, name + StorageSuffix })
        {
            if (_internal_params.TryGetValue(parameterName, out var parameter))
            {
                _internal_params.Remove(parameterName);
                parameter.Dispose();
            }
        }

        if (_internal_buffers.TryGetValue(name + PriorLocSuffix, out var loc))
        {
            _internal_buffers.Remove(name + PriorLocSuffix);
            loc.Item1.Dispose();
        }
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{GetType().Name}: an attribute name must be non-empty and without dots, got '{name}'.", nameof(name));
        }
    }
}
