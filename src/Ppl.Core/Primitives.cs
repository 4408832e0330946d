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
public static class Primitives
{
    /// <summary>
    /// A random choice named <paramref name="name"/> from <paramref name="distribution"/>; with
    /// <paramref name="obs"/>, an observation of that value. Handlers decide what it returns.
    /// Without handlers it draws (reparameterized where the family allows).
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public static Tensor Sample(string name, Distribution distribution, Tensor? obs = null, InferConfig? infer = null)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(distribution);
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
            DefaultBehavior = static m => Draw(m.Distribution!, m.ResolveGenerator()),
            Original = (distribution, obs, obs is not null, infer ?? InferConfig.Default),
        };
        return Runtime.ApplyStack(message).Value!;
    }

    /// <summary>
    /// A learnable parameter. Inside an active <see cref="Params.ParamStore"/> the first call
    /// creates it from <paramref name="init"/>, later calls return the learned value; outside
    /// one it returns <paramref name="init"/>.
    /// </summary>
    public static Tensor Param(string name, Tensor init, Constraint? constraint = null, int eventDim = 0)
    {
        ArgumentNullException.ThrowIfNull(init);
        return Param(name, () => init, constraint, eventDim);
    }

    /// <summary>A learnable parameter whose initial value is computed only when it is created.</summary>
    /// <exception cref="InvalidOperationException">No handler supplied a value and <paramref name="init"/> is null.</exception>
    public static Tensor Param(string name, Func<Tensor>? init = null, Constraint? constraint = null, int eventDim = 0) =>
        Param(name, new ParamSpec(init, constraint ?? Constraints.Real, eventDim));

    /// <summary>
    /// <see cref="Param(string, Func{Tensor}?, Constraint?, int)"/> with a full spec, for library
    /// code (autoguides) that may ask for the store's tensor itself (<see cref="ParamSpec.ShareStored"/>).
    /// </summary>
    internal static Tensor Param(string name, ParamSpec spec)
    {
        CheckName(name);
        var message = new Message(SiteKind.Param, name)
        {
            Payload = spec,
            DefaultBehavior = static m => InitialValue(m.Name, (ParamSpec)m.Payload!),
        };
        return HandlerStack.IsActive ? Runtime.ApplyStack(message).Value! : InitialValue(name, spec);
    }

    /// <summary>
    /// Enters a vectorized plate of <paramref name="size"/> conditionally independent entries:
    /// sample sites inside are broadcast along its dim and, with <paramref name="subsampleSize"/>,
    /// scaled by size / subsampleSize. The dim is the rightmost one the enclosing plates leave
    /// free unless <paramref name="dim"/> (negative) is given.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes are invalid, the name repeats an enclosing plate, or the dim is taken.</exception>
    public static PlateScope Plate(string name, long size, long? subsampleSize = null, int? dim = null, Device? device = null)
    {
        CheckName(name);
        long subsample = CheckSizes(name, size, subsampleSize);
        var enclosing = HandlerStack.Snapshot().OfType<PlateMessenger>().Select(p => p.Frame).ToList();
        if (enclosing.Any(f => f.Name == name))
        {
            throw new ArgumentException($"plate('{name}') is already entered; plate names must be unique among nested plates.", nameof(name));
        }

        int allocated = AllocateDim(name, dim, enclosing);
        var indices = SubsampleIndices(name, size, subsample, allocated, device ?? torch.get_default_device());
        var handler = new PlateMessenger(new PlateFrame(name, allocated, size, subsample));
        HandlerStack.Push(handler);
        return new PlateScope(handler, indices);
    }

    /// <summary>
    /// A sequential plate (Pyro's <c>for i in plate(...)</c>): iterates the (subsampled) indices,
    /// each iteration in its own conditional-independence frame, with no dim allocated.
    /// </summary>
    public static IEnumerable<long> SequentialPlate(string name, long size, long? subsampleSize = null)
    {
        CheckName(name);
        long subsample = CheckSizes(name, size, subsampleSize);
        return Iterate(name, size, subsample);
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
    /// the store are copied into the module.
    /// </summary>
    public static T Module<T>(string name, T module)
        where T : nn.Module
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(module);
        if (!HandlerStack.IsActive)
        {
            return module;
        }

        foreach (var (parameterName, parameter) in module.named_parameters())
        {
            var message = new Message(SiteKind.Param, $"{name}${parameterName}")
            {
                Payload = new ParamSpec(null, Constraints.Real, 0, parameter),
                DefaultBehavior = static m => ((ParamSpec)m.Payload!).Existing!.alias(),
            };
            Runtime.ApplyStack(message);
        }

        return module;
    }

    private static Tensor Draw(Distribution distribution, Generator? generator) =>
        distribution.HasRSample ? distribution.RSample(generator) : distribution.Sample(generator);

    private static Tensor InitialValue(string name, ParamSpec spec)
    {
        if (spec.Existing is not null)
        {
            return spec.Existing.alias();
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

    private static long CheckSizes(string name, long size, long? subsampleSize)
    {
        long subsample = subsampleSize ?? size;
        if (size < 1 || subsample < 1 || subsample > size)
        {
            throw new ArgumentException($"plate('{name}'): need 1 ≤ subsampleSize ({subsample}) ≤ size ({size}).", nameof(subsampleSize));
        }

        return subsample;
    }

    private static int AllocateDim(string name, int? dim, List<PlateFrame> enclosing)
    {
        var used = enclosing.Where(f => f.Dim is not null).ToDictionary(f => f.Dim!.Value, f => f.Name);
        if (dim is int requested)
        {
            if (requested >= 0)
            {
                throw new ArgumentException($"plate('{name}'): dim must be negative (counted from the right of the batch shape), got {requested}.", nameof(dim));
            }

            if (used.TryGetValue(requested, out var other))
            {
                int free = -1;
                while (used.ContainsKey(free) || free == requested)
                {
                    free--;
                }

                throw new ArgumentException(
                    $"plate('{name}') wants dim {requested}, which enclosing plate('{other}') already uses. Move one of them to a free dim, e.g. dim={free}.",
                    nameof(dim));
            }

            return requested;
        }

        int d = -1;
        while (used.ContainsKey(d))
        {
            d--;
        }

        return d;
    }

    private static Tensor SubsampleIndices(string name, long size, long subsample, int? dim, Device device)
    {
        var message = new Message(SiteKind.Plate, name)
        {
            Payload = new PlateSpec(size, subsample, dim, device),
            DefaultBehavior = static m => DrawIndices((PlateSpec)m.Payload!, m.ResolveGenerator()),
            Plates = HandlerStack.Snapshot().OfType<PlateMessenger>().Select(p => p.Frame).ToImmutableArray(),
        };
        var indices = HandlerStack.IsActive ? Runtime.ApplyStack(message).Value! : DrawIndices((PlateSpec)message.Payload, null);
        if (indices.dim() != 1 || indices.Shape()[0] != subsample)
        {
            throw new ArgumentException(
                $"plate('{name}'): subsample indices of shape {ShapeUtil.Format(indices.Shape())} were supplied, expected [{subsample}].");
        }

        return indices;
    }

    private static Tensor DrawIndices(PlateSpec spec, Generator? generator)
    {
        if (spec.SubsampleSize == spec.Size)
        {
            return torch.arange(spec.Size, dtype: ScalarType.Int64, device: spec.Device);
        }

        // argsort of uniforms is a uniform random permutation and, unlike randperm, runs on every device
        var keys = torch.rand(spec.Size, dtype: ScalarType.Float32, device: spec.Device, generator: generator);
        return keys.argsort().narrow(0, 0, spec.SubsampleSize);
    }

    private static IEnumerable<long> Iterate(string name, long size, long subsample)
    {
        long[] indices;
        if (subsample == size)
        {
            indices = Enumerable.Range(0, checked((int)size)).Select(i => (long)i).ToArray();
        }
        else
        {
            // no inner dispose scope: the indices tensor is recorded in traces and lives in the caller's scope
            indices = SubsampleIndices(name, size, subsample, null, CPU).data<long>().ToArray();
        }

        for (long counter = 0; counter < indices.Length; counter++)
        {
            var handler = new PlateMessenger(new PlateFrame(name, null, size, subsample, counter));
            HandlerStack.Push(handler);
            try
            {
                yield return indices[counter];
            }
            finally
            {
                HandlerStack.Pop(handler);
            }
        }
    }
}
