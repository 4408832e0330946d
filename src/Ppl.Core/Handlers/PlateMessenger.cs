using Ppl.Distributions;
using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Handlers;

/// <summary>
/// The handler behind <see cref="Primitives.Plate(string, long, long?, int?, TorchSharp.torch.Device?)"/> and each iteration of
/// <see cref="Primitives.SequentialPlate"/>: adds its frame to every site inside and multiplies
/// the log-density scale by <c>size / subsampleSize</c>; a vectorized plate also broadcasts each
/// sample site's distribution so the plate dim has the subsample size (unless the plate has no
/// size), and slices params and <see cref="Primitives.Subsample"/> values that declare an event
/// dim to the subsample (Pyro's batch semantics of <c>param(..., event_dim=)</c>).
/// </summary>
public sealed class PlateMessenger : Messenger
{
    /// <summary>True: a plate broadcasts the distributions of the sites inside it.</summary>
    public override bool AltersDraws => true;

    internal PlateMessenger(PlateFrame frame, bool reserveOnly = false, Tensor? indices = null)
    {
        Frame = frame;
        ReserveOnly = reserveOnly;
        Indices = indices;
    }

    /// <summary>The subsample indices params are sliced with; null when unknown (guides' site plates) or when the plate has no size.</summary>
    internal Tensor? Indices { get; }

    /// <summary>
    /// True for a plate that only claims its dim so that plates entered inside it allocate others
    /// (the causal layer's world dims); it leaves sites alone.
    /// </summary>
    internal bool ReserveOnly { get; }

    /// <summary>The conditional-independence frame this plate adds.</summary>
    public PlateFrame Frame { get; }

    /// <summary>Reports this plate (also when it only reserves its dim).</summary>
    internal override void AnswerPlateQuery(PlateQuery query) => query.AddPlate(this);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The site's batch shape already has another size at the plate's dim.</exception>
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (ReserveOnly)
        {
            return;
        }

        message.Plates = message.Plates.Insert(0, Frame);
        message.Scale *= Frame.Scale;
        if (message.Distribution is { } dist && Frame.Dim is int dim && Frame.Size >= 0)
        {
            message.Distribution = Broadcast(dist, dim, message.Name);
        }
    }

    /// <inheritdoc />
    protected override void OnDeterministic(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (ReserveOnly)
        {
            return;
        }

        message.Plates = message.Plates.Insert(0, Frame);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A param with an event dim has neither size 1 nor the plate's size at the plate's dim.</exception>
    protected override void OnPostParam(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Payload is ParamSpec { EventDim: int eventDim })
        {
            message.Value = message.Value is { } value ? SliceToSubsample(value, eventDim, () => $"Param('{message.Name}', ..., eventDim: {eventDim})") : null;
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">Subsampled data has neither size 1 nor the plate's size at the plate's dim.</exception>
    protected override void OnPostOther(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Kind == Primitives.SubsampleKind && message.Payload is int eventDim)
        {
            message.Value = message.Value is { } value ? SliceToSubsample(value, eventDim, () => $"Subsample(..., eventDim: {eventDim})") : null;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Plate({Frame})";

    /// <summary>
    /// Pyro's rule: a value whose size at (plate dim − event dim) is the plate's full size holds one
    /// entry per plate element and is cut to the subsample; size 1 or too few dims broadcast and
    /// pass (the value itself is returned). Shared by params, <see cref="Primitives.Subsample"/> and
    /// <see cref="PlateScope.Subsample"/>.
    /// </summary>
    /// <param name="value">The param's or data's value.</param>
    /// <param name="eventDim">How many rightmost dims are event dims.</param>
    /// <param name="statement">The call as the error message names it (built only on error: this runs for every param site inside the plate).</param>
    /// <exception cref="ArgumentException">The size there is neither 1 nor the plate's size.</exception>
    internal Tensor SliceToSubsample(Tensor value, int eventDim, Func<string> statement)
    {
        if (ReserveOnly || Frame.Dim is not int dim || Frame.Size < 0)
        {
            return value;
        }

        var shape = value.Shape();
        int axis = shape.Length + dim - eventDim;
        if (axis < 0 || shape[axis] == 1)
        {
            return value;
        }

        if (shape[axis] != Frame.Size)
        {
            throw new ArgumentException(
                $"Inside plate('{Frame.Name}', size {Frame.Size}, dim {dim}) invalid shape of {statement()}: {ShapeUtil.Format(shape)}. "
                + $"Its size at dim {dim - eventDim} must be 1 (shared by every entry) or the plate's size {Frame.Size} (one per entry, cut to the subsample); "
                + "omit eventDim for a value without batch semantics.");
        }

        if (Frame.SubsampleSize == Frame.Size)
        {
            return value;
        }

        var indices = Indices ?? throw new InvalidOperationException($"plate('{Frame.Name}') has no subsample indices to cut {statement()} with.");

        // advanced indexing rather than index_select, which has no meta kernel; it carries gradients to the full value
        var index = new TensorIndex[axis + 1];
        Array.Fill(index, TensorIndex.Colon);
        index[axis] = TensorIndex.Tensor(indices.to(value.device));
        return value.index(index);
    }

    private Distribution Broadcast(Distribution dist, int dim, string site)
    {
        int needed = -dim;
        var batch = dist.BatchShape;
        var target = new long[Math.Max(batch.Length, needed)];
        Array.Fill(target, 1L);
        batch.CopyTo(target, target.Length - batch.Length);
        long current = target[target.Length + dim];
        if (current != 1 && current != Frame.SubsampleSize)
        {
            throw new ArgumentException(
                $"Shape mismatch inside plate('{Frame.Name}') at site '{site}' dim {dim}: the distribution's batch shape {ShapeUtil.Format(batch)} has size {current} there, the plate has {Frame.SubsampleSize}.");
        }

        target[target.Length + dim] = Frame.SubsampleSize;
        return dist.Expand(target);
    }
}
