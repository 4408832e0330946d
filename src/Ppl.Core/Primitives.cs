using System.Collections.Immutable;
using Ppl.Diagnostics;
using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// The effectful operations models are written with. Bring them in with
/// <c>using static Ppl.Primitives;</c> so a model reads like Pyro.
/// </summary>
public static partial class Primitives
{
    /// <summary>
    /// A random choice named <paramref name="name"/> from <paramref name="distribution"/>; with
    /// <paramref name="obs"/>, an observation of that value. Handlers decide what it returns.
    /// Without handlers it draws (reparameterized where the family allows).
    /// </summary>
    /// <param name="name">The site's name.</param>
    /// <param name="distribution">The distribution the value is drawn from or scored under.</param>
    /// <param name="obs">The observed value, or null for a latent site.</param>
    /// <param name="infer">Hints for inference algorithms.</param>
    /// <param name="obsMask">
    /// Pyro's <c>obs_mask</c>: a bool tensor broadcasting to the site's batch shape; entries where
    /// it is true are observed from <paramref name="obs"/>, the others are missing and drawn. The
    /// site then becomes <c>{name}_observed</c> (masked by <paramref name="obsMask"/>),
    /// <c>{name}_unobserved</c> (a latent site masked by its negation, which guides must provide)
    /// and the deterministic <c>{name}</c> that is returned, even when every entry is observed.
    /// </param>
    /// <exception cref="ArgumentException">The name is empty, or <paramref name="obsMask"/> is not bool or does not broadcast to the batch shape.</exception>
    public static Tensor Sample(string name, Distribution distribution, Tensor? obs = null, InferConfig? infer = null, Tensor? obsMask = null)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(distribution);
        if (obsMask is not null)
        {
            return MaskedObservation.Sample(name, distribution, obs, obsMask, infer);
        }

        if (!HandlerStack.IsActive)
        {
            if (obs is not null)
            {
                PplWarnings.Warn($"Observing a value outside of inference at site '{name}'; the observation is returned as is.");
                return obs;
            }

            return Draw(distribution, null);
        }

        var message = new Message(SiteKind.Sample, name)
        {
            Distribution = distribution,
            Value = obs,
            IsObserved = obs is not null,
            Infer = infer ?? InferConfig.Default,
            DefaultBehavior = DrawSite,
            Original = (distribution, obs, obs is not null, infer ?? InferConfig.Default),
        };
        return Runtime.ApplyStack(message).Value!;
    }

    /// <summary>
    /// A latent sample site whose default draw is <paramref name="sharedDraw"/>'s value (a row of
    /// one draw made for several sites, which must follow <paramref name="distribution"/>'s law)
    /// as long as no handler changed how the site draws: with a generator assigned (a seed) or
    /// the distribution replaced (a plate expanding it), the site draws from its message's
    /// distribution as any other. The message itself tells, so no caller asks which handlers are
    /// installed; a handler that supplies the value (replay, condition) overrides either draw.
    /// </summary>
    internal static Tensor Sample(string name, Distribution distribution, Func<Tensor> sharedDraw)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(distribution);
        ArgumentNullException.ThrowIfNull(sharedDraw);
        if (!HandlerStack.IsActive)
        {
            return sharedDraw();
        }

        var message = new Message(SiteKind.Sample, name)
        {
            Distribution = distribution,
            DefaultBehavior = m => m.Generator is null && m.GeneratorSource is null && ReferenceEquals(m.Distribution, distribution) ? sharedDraw() : DrawSite(m),
            Original = (distribution, null, false, InferConfig.Default),
        };
        return Runtime.ApplyStack(message).Value!;
    }

    /// <summary>
    /// A learnable parameter. Inside an active <see cref="Params.ParamStore"/> the first call
    /// creates it from <paramref name="init"/>, later calls return the learned value; outside
    /// one it returns <paramref name="init"/>. With <paramref name="eventDim"/> (Pyro's
    /// <c>event_dim</c>) the dims left of the rightmost <paramref name="eventDim"/> are batch dims:
    /// inside a subsampled plate a param with the plate's full size at the plate's dim is cut to
    /// the subsample (gradients reach the full param), one of size 1 is shared, any other size
    /// throws. Without it (the default, as in Pyro) the param is returned whole.
    /// </summary>
    /// <exception cref="ArgumentException">Inside a plate, the param's size at the plate's dim is neither 1 nor the plate's size.</exception>
    public static Tensor Param(string name, Tensor init, Constraint? constraint = null, int? eventDim = null)
    {
        ArgumentNullException.ThrowIfNull(init);
        return Param(name, () => init, constraint, eventDim);
    }

    /// <summary>A learnable parameter whose initial value is computed only when it is created.</summary>
    /// <exception cref="InvalidOperationException">No handler supplied a value and <paramref name="init"/> is null.</exception>
    public static Tensor Param(string name, Func<Tensor>? init = null, Constraint? constraint = null, int? eventDim = null) =>
        Param(name, new ParamSpec(init, constraint ?? Constraints.Real, eventDim));

    /// <summary>
    /// <see cref="Param(string, Func{Tensor}?, Constraint?, int?)"/> with a full spec, for library
    /// code (autoguides) that may ask for the store's tensor itself (<see cref="ParamSpec.ShareStored"/>).
    /// </summary>
    internal static Tensor Param(string name, ParamSpec spec)
    {
        CheckName(name);
        if (spec.EventDim < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), $"Param '{name}': eventDim must be ≥ 0 or null, got {spec.EventDim}.");
        }

        var message = new Message(SiteKind.Param, name)
        {
            Payload = spec,
            DefaultBehavior = static m => InitialValue(m.Name, (ParamSpec)m.Payload!),
        };
        return HandlerStack.IsActive ? Runtime.ApplyStack(message).Value! : InitialValue(name, spec);
    }

    /// <summary>Adds <paramref name="logFactor"/> to the program's log-density (Pyro's <c>factor</c>).</summary>
    /// <param name="name">The site's name.</param>
    /// <param name="logFactor">The log-density contribution, possibly batched (inside plates of its dims).</param>
    /// <param name="hasRSample">
    /// Needed only in a guide, where the factor is part of log q: true when it arose from
    /// reparameterized sampling (e.g. the log-Jacobian of a transform of a reparameterized draw),
    /// false otherwise (e.g. the log-probability of a discrete draw), which gives it a
    /// score-function term. The ELBOs reject a guide factor that leaves it null.
    /// </param>
    public static void Factor(string name, Tensor logFactor, bool? hasRSample = null)
    {
        ArgumentNullException.ThrowIfNull(logFactor);
        var unit = new Unit(logFactor, hasRSample);
        var obs = torch.empty([.. logFactor.Shape(), 0], dtype: logFactor.dtype, device: logFactor.device);
        if (HandlerStack.IsActive)
        {
            Sample(name, unit, obs, InferConfig.Default with { IsAuxiliary = true });
        }
    }

    /// <summary>Records a value computed from other sites under <paramref name="name"/>, so traces and predictions can see it.</summary>
    public static Tensor Deterministic(string name, Tensor value, int eventDim = 0)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!HandlerStack.IsActive)
        {
            return value;
        }

        var message = new Message(SiteKind.Deterministic, name)
        {
            Value = value,
            Payload = eventDim,
        };
        return Runtime.ApplyStack(message).Value!;
    }

    /// <summary>
    /// Registers every parameter of <paramref name="module"/> as a param site named
    /// <c>name$parameter</c>, so the active store (and its optimizer) sees them; values already in
    /// the store are copied into the module. A <see cref="Modules.PplModule{TIn, TOut}"/> is named
    /// instead: its sites (plain parameters, constrained and random attributes) become
    /// <c>name.path</c>, e.g. <c>name.layer1.weight</c>, and its plain parameters are registered
    /// under those names. The store remembers the module, so <see cref="Params.ParamStore.To"/> moves it.
    /// </summary>
    public static T Module<T>(string name, T module)
        where T : nn.Module
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(module);
        OneDnnConvolutions.GuardIfAllowed(name, module);
        if (module is Modules.IPplModule ppl)
        {
            ppl.SitePrefix = name;
            Modules.ModuleTree.Name(module);
            Modules.ModuleTree.RegisterParameters(module);
            return module;
        }

        if (!HandlerStack.IsActive)
        {
            return module;
        }

        foreach (var (parameterName, parameter) in module.named_parameters())
        {
            ModuleParameter($"{name}${parameterName}", parameter, module, parameterName, Constraints.Real, eventDim: null);
        }

        return module;
    }

    /// <summary>
    /// A param site for <paramref name="parameter"/>, an (unconstrained) parameter that
    /// <paramref name="owner"/> holds under <paramref name="path"/>; its value is the parameter
    /// pushed onto <paramref name="constraint"/>. The store registers the module's tensor itself.
    /// </summary>
    internal static Tensor ModuleParameter(string name, TorchSharp.Modules.Parameter parameter, nn.Module owner, string path, Constraint constraint, int? eventDim)
    {
        var message = new Message(SiteKind.Param, name)
        {
            Payload = new ParamSpec(null, constraint, eventDim, parameter) { Owner = new ParameterOwner(owner, path) },
            DefaultBehavior = static m => InitialValue(m.Name, (ParamSpec)m.Payload!),
        };
        return Runtime.ApplyStack(message).Value!;
    }

    private static Tensor Draw(Distribution distribution, Generator? generator) =>
        distribution.HasRSample ? distribution.RSample(generator) : distribution.Sample(generator);

    /// <summary>A sample site's default behaviour: a draw whose noise (if any) is recorded on the message with the value.</summary>
    internal static Tensor DrawSite(Message message)
    {
        var distribution = message.Distribution!;
        var generator = message.ResolveGenerator();
        if (!distribution.HasRSample)
        {
            return distribution.Sample(generator);
        }

        var (value, noise) = distribution.RSampleWithNoise(generator);
        message.SetValue(value, noise, noise?.ExpPreimage);
        return value;
    }

    private static Tensor InitialValue(string name, ParamSpec spec)
    {
        if (spec.Existing is not null)
        {
            return spec.Constraint.Equals(Constraints.Real) ? spec.Existing.alias() : Distributions.Transforms.Bijectors.BijectTo(spec.Constraint).Forward(spec.Existing);
        }

        if (spec.Init is null)
        {
            throw new InvalidOperationException($"Param '{name}' has no initial value and no ParamStore is active to hold it.");
        }

        return spec.Init().alias();
    }

    private static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("Site names must be non-empty.", nameof(name));
        }
    }
}
