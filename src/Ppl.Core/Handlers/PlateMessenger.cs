using Ppl.Distributions;
using Ppl.Effects;

namespace Ppl.Handlers;

/// <summary>
/// The handler behind <see cref="Primitives.Plate(string, long, long?, int?, TorchSharp.torch.Device?)"/> and each iteration of
/// <see cref="Primitives.SequentialPlate"/>: adds its frame to every site inside and multiplies
/// the log-density scale by <c>size / subsampleSize</c>; a vectorized plate also broadcasts each
/// sample site's distribution so the plate dim has the subsample size.
/// </summary>
public sealed class PlateMessenger : Messenger
{
    internal PlateMessenger(PlateFrame frame, bool reserveOnly = false)
    {
        Frame = frame;
        ReserveOnly = reserveOnly;
    }

    /// <summary>
    /// True for a plate that only claims its dim so that plates entered inside it allocate others
    /// (the causal layer's world dims); it leaves sites alone.
    /// </summary>
    internal bool ReserveOnly { get; }

    /// <summary>The conditional-independence frame this plate adds.</summary>
    public PlateFrame Frame { get; }

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
        if (message.Distribution is { } dist && Frame.Dim is int dim)
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
    public override string ToString() => $"Plate({Frame})";

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
