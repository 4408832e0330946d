using System.Collections.Immutable;
using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl;

/// <summary>Plates: vectorized, sequential, of any size, defined once and entered again, blocked.</summary>
public static partial class Primitives
{
    /// <summary>The effect <see cref="Subsample"/> sends; enclosing plates cut its value to their subsample.</summary>
    internal static readonly SiteKind SubsampleKind = new("subsample");

    /// <summary>
    /// Enters a vectorized plate of <paramref name="size"/> conditionally independent entries:
    /// sample sites inside are broadcast along its dim and, with <paramref name="subsampleSize"/>,
    /// scaled by size / subsampleSize. The dim is the rightmost one the enclosing plates leave
    /// free unless <paramref name="dim"/> (negative) is given. Entering a plate of the same name
    /// again in the same traced run reuses the first entry's dim and subsample indices (Pyro
    /// reuses a plate object the same way); <see cref="DefinePlate"/> does so without a trace.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// Sizes are invalid, the name repeats an enclosing plate, the dim is taken, or the plate was
    /// entered earlier in the run with another size, subsample size or dim.
    /// </exception>
    public static PlateScope Plate(string name, long size, long? subsampleSize = null, int? dim = null, Device? device = null)
    {
        CheckName(name);
        long subsample = CheckSizes(name, size, subsampleSize);
        return EnterPlate(new PlateRequest(name, size, subsample, dim, device, null), null);
    }

    /// <summary>
    /// Enters a vectorized plate of <paramref name="size"/> entries that uses the given
    /// <paramref name="subsample"/> indices (Pyro's <c>plate(..., subsample=)</c>), scaled by
    /// size / subsample length. A replayed trace's indices for the plate take precedence, as in Pyro.
    /// </summary>
    /// <exception cref="ArgumentException">The indices are not a 1-D int64 tensor of 1 to <paramref name="size"/> entries in [0, size).</exception>
    public static PlateScope Plate(string name, long size, Tensor subsample, int? dim = null)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(subsample);
        CheckExplicitSubsample(name, size, subsample);
        return EnterPlate(new PlateRequest(name, size, subsample.Shape()[0], dim, subsample.device, subsample), null);
    }

    /// <summary>
    /// Enters a vectorized plate of any size (Pyro's <c>plate(name, dim=)</c> without a size): sites
    /// inside get its frame and dim but are neither broadcast nor scaled, and nothing is subsampled.
    /// </summary>
    /// <exception cref="ArgumentException">The name repeats an enclosing plate, the dim is taken, or the plate was entered earlier in the run with a size.</exception>
    public static PlateScope UnsizedPlate(string name, int? dim = null)
    {
        CheckName(name);
        return EnterPlate(new PlateRequest(name, -1, -1, dim, null, null), null);
    }

    /// <summary>
    /// A plate to enter (<see cref="PlateDefinition.Enter"/>) or iterate
    /// (<see cref="PlateDefinition.Iterate"/>) several times, with the same dim and subsample
    /// indices each time (Pyro's plate object). Create it inside the model: its indices belong to
    /// one run.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes are invalid.</exception>
    public static PlateDefinition DefinePlate(string name, long size, long? subsampleSize = null, int? dim = null, Device? device = null)
    {
        CheckName(name);
        long subsample = CheckSizes(name, size, subsampleSize);
        return new PlateDefinition(new PlateRequest(name, size, subsample, dim, device, null));
    }

    /// <summary>
    /// A sequential plate (Pyro's <c>for i in plate(...)</c>): iterates the (subsampled) indices,
    /// each iteration in its own conditional-independence frame, with no dim allocated. Iterating
    /// a plate of the same name again in the same traced run gives the same indices.
    /// </summary>
    public static IEnumerable<long> SequentialPlate(string name, long size, long? subsampleSize = null)
    {
        CheckName(name);
        long subsample = CheckSizes(name, size, subsampleSize);
        return IterateSequential(new PlateRequest(name, size, subsample, null, CPU, null), null);
    }

    /// <summary>
    /// Cuts <paramref name="data"/> to the subsample of every enclosing plate (Pyro's
    /// <c>pyro.subsample</c>): the dims left of the rightmost <paramref name="eventDim"/> are batch
    /// dims, and a batch dim of a plate's full size is indexed with its subsample indices; size 1
    /// or missing dims pass through. Outside plates it returns <paramref name="data"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The size at a plate's dim is neither 1 nor the plate's size.</exception>
    public static Tensor Subsample(Tensor data, int eventDim)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(eventDim);
        if (!HandlerStack.IsActive)
        {
            return data;
        }

        var message = new Message(SubsampleKind, "subsample") { Value = data, Payload = eventDim };
        return Runtime.ApplyStack(message).Value!;
    }

    /// <summary>
    /// Mutes the enclosing plate named <paramref name="name"/> until the returned scope is disposed
    /// (Pyro's <c>block_plate</c>): sites inside get neither its frame, broadcast nor scale. The
    /// plate keeps its dim, so plates entered inside allocate others.
    /// </summary>
    /// <param name="name">The plate to mute.</param>
    /// <param name="strict">Throw unless exactly one plate matches.</param>
    /// <exception cref="ArgumentException"><paramref name="strict"/> and no (or more than one) enclosing plate matches.</exception>
    public static BlockedPlateScope BlockPlate(string name, bool strict = true)
    {
        CheckName(name);
        return BlockPlates(p => p.Frame.Name == name, $"name '{name}'", strict);
    }

    /// <summary>Mutes the enclosing vectorized plate at <paramref name="dim"/>; see <see cref="BlockPlate(string, bool)"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="dim"/> is not negative, or <paramref name="strict"/> and no plate matches.</exception>
    public static BlockedPlateScope BlockPlate(int dim, bool strict = true)
    {
        if (dim >= 0)
        {
            throw new ArgumentException($"BlockPlate: dim must be negative, got {dim}.", nameof(dim));
        }

        return BlockPlates(p => p.Frame.Dim == dim, $"dim {dim}", strict);
    }

    /// <summary>Enters a vectorized plate; <paramref name="definition"/> keeps the record between entries of one definition.</summary>
    internal static PlateScope EnterPlate(PlateRequest request, PlateDefinition? definition)
    {
        var plates = HandlerStack.EnclosingPlates();
        var (enclosing, traces) = (plates.Frames, plates.Recorders);
        string name = request.Name;
        if (enclosing.Any(f => f.Name == name))
        {
            throw new ArgumentException($"plate('{name}') is already entered; plate names must be unique among nested plates.", nameof(request));
        }

        var record = definition?.Record ?? FindRecord(traces, name);
        Tensor? indices;
        int dim;
        if (record is not null)
        {
            CheckSameSpec(request, record, vectorized: true);
            dim = AllocateDim(name, record.Dim, enclosing);
            indices = record.Indices;
        }
        else
        {
            dim = AllocateDim(name, request.Dim, enclosing);
            indices = request.Size < 0
                ? null
                : SubsampleIndices(name, request.Size, request.SubsampleSize, dim, request.Device ?? torch.get_default_device(), request.Subsample, enclosing);
            record = new PlateRecord(name, request.Size, request.SubsampleSize, dim, indices);
        }

        Register(traces, record);
        if (definition is not null)
        {
            definition.Record = record;
        }
        var handler = new PlateMessenger(new PlateFrame(name, dim, request.Size, request.SubsampleSize), indices: indices);
        HandlerStack.Push(handler);
        return new PlateScope(handler);
    }

    /// <summary>Iterates a sequential plate; <paramref name="definition"/> keeps the record between iterations of one definition.</summary>
    internal static IEnumerable<long> IterateSequential(PlateRequest request, PlateDefinition? definition)
    {
        var plates = HandlerStack.EnclosingPlates();
        var (enclosing, traces) = (plates.Frames, plates.Recorders);
        var record = definition?.Record ?? FindRecord(traces, request.Name);
        if (record is not null)
        {
            CheckSameSpec(request, record, vectorized: false);
        }
        else
        {
            // no inner dispose scope: the indices tensor is recorded in traces and lives in the caller's scope
            var drawn = request.SubsampleSize == request.Size ? null : SubsampleIndices(request.Name, request.Size, request.SubsampleSize, null, CPU, null, enclosing);
            record = new PlateRecord(request.Name, request.Size, request.SubsampleSize, null, drawn);
        }

        Register(traces, record);
        if (definition is not null)
        {
            definition.Record = record;
        }

        return Iterate(record);
    }

    private static IEnumerable<long> Iterate(PlateRecord record)
    {
        long[] indices = record.Indices is { } drawn
            ? drawn.data<long>().ToArray()
            : Enumerable.Range(0, checked((int)record.Size)).Select(i => (long)i).ToArray();
        for (long counter = 0; counter < indices.Length; counter++)
        {
            var handler = new PlateMessenger(new PlateFrame(record.Name, null, record.Size, record.SubsampleSize, counter));
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

    // innermost trace first: it records the run the plate is entered in
    private static PlateRecord? FindRecord(IReadOnlyList<Trace> traces, string name)
    {
        for (int i = traces.Count - 1; i >= 0; i--)
        {
            if (traces[i].TryGetPlate(name, out var record))
            {
                return record;
            }
        }

        return null;
    }

    private static void Register(IReadOnlyList<Trace> traces, PlateRecord record)
    {
        foreach (var trace in traces)
        {
            if (!trace.TryGetPlate(record.Name, out var existing))
            {
                trace.RecordPlate(record);
            }
            else if (!ReferenceEquals(existing, record) && (existing.Dim != record.Dim || existing.Size != record.Size || existing.SubsampleSize != record.SubsampleSize || !ReferenceEquals(existing.Indices, record.Indices)))
            {
                throw new ArgumentException(
                    $"plate('{record.Name}') is entered with {record.Describe()} and its own indices, but the run already entered it with {existing.Describe()}; "
                    + "a PlateDefinition belongs to one run: create it inside the model.");
            }
        }
    }

    private static void CheckSameSpec(PlateRequest request, PlateRecord record, bool vectorized)
    {
        if (record.Dim is null == vectorized)
        {
            throw new ArgumentException(
                $"plate('{request.Name}') is used {(vectorized ? "vectorized" : "sequential")} but was {(vectorized ? "sequential" : "vectorized")} earlier in this run; "
                + "a plate is either vectorized or sequential (as in Pyro). Give one of them another name.");
        }

        bool sameDim = !vectorized || request.Dim is null || request.Dim == record.Dim;
        bool sameIndices = request.Subsample is null || record.Indices is null || PlateRecord.SameIndices(request.Subsample, record.Indices);
        if (request.Size != record.Size || request.SubsampleSize != record.SubsampleSize || !sameDim || !sameIndices)
        {
            string placement = !vectorized ? "sequential" : request.Dim is int d ? $"dim {d}" : "dim (free)";
            throw new ArgumentException(
                $"plate('{request.Name}') is entered again with {PlateRecord.Describe(request.Size, request.SubsampleSize, placement)}"
                + (sameIndices ? "" : " and other subsample indices")
                + $", but was first entered in this run with {record.Describe()}. A plate keeps its size, subsample and dim within a run "
                + "(its sites share one minibatch): enter it with the same arguments, or give the other plate another name.");
        }
    }

    private static BlockedPlateScope BlockPlates(Func<PlateMessenger, bool> matches, string what, bool strict)
    {
        var found = HandlerStack.EnclosingPlates().Plates.Where(p => !p.ReserveOnly && matches(p)).ToArray();
        if (strict && found.Length != 1)
        {
            throw new ArgumentException(
                $"BlockPlate matched {found.Length} plates by {what}" + (found.Length == 0 ? " (no enclosing plate has it)" : "")
                + "; remove the BlockPlate or pass strict: false.");
        }

        // a reserving stand-in keeps the plate's name and dim taken, like Pyro's dim allocator, and leaves sites alone
        var blocked = found.Select(p => (Plate: p, Stand: new PlateMessenger(p.Frame, reserveOnly: true))).ToArray();
        foreach (var (plate, stand) in blocked)
        {
            HandlerStack.Replace(plate, stand);
        }

        return new BlockedPlateScope(blocked);
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

    private static void CheckExplicitSubsample(string name, long size, Tensor subsample)
    {
        if (subsample.dim() != 1 || subsample.dtype != ScalarType.Int64 || subsample.Shape()[0] < 1 || subsample.Shape()[0] > size)
        {
            throw new ArgumentException(
                $"plate('{name}'): subsample must be a 1-D int64 tensor of 1 to {size} indices, got {subsample.dtype} of shape {ShapeUtil.Format(subsample.Shape())}.",
                nameof(subsample));
        }

        // range is checked where it costs no device sync; elsewhere indexing reports it
        if (subsample.device_type == DeviceType.CPU)
        {
            using var scope = torch.NewDisposeScope();
            long min = subsample.min().item<long>(), max = subsample.max().item<long>();
            if (min < 0 || max >= size)
            {
                throw new ArgumentException($"plate('{name}'): subsample indices must lie in [0, {size}), got values from {min} to {max}.", nameof(subsample));
            }
        }
    }

    private static int AllocateDim(string name, int? dim, IReadOnlyList<PlateFrame> enclosing)
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

    private static Tensor SubsampleIndices(string name, long size, long subsample, int? dim, Device device, Tensor? preset, IReadOnlyList<PlateFrame> enclosing)
    {
        var message = new Message(SiteKind.Plate, name)
        {
            Value = preset?.alias(),
            Payload = new PlateSpec(size, subsample, dim, device),
            DefaultBehavior = static m => DrawIndices((PlateSpec)m.Payload!, m.ResolveGenerator()),
            Plates = [.. enclosing],
        };
        var indices = HandlerStack.IsActive
            ? Runtime.ApplyStack(message).Value!
            : preset?.alias() ?? DrawIndices((PlateSpec)message.Payload, null);
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
}
