using Ppl.Effects;

namespace Ppl.Handlers;

/// <summary>
/// The handler active during one iteration of a sequential plate
/// (<see cref="Primitives.SequentialPlate"/>): it adds its frame, with the iteration counter,
/// and the subsampling scale, but allocates no dim.
/// </summary>
public sealed class SequentialPlateMessenger : Messenger
{
    internal SequentialPlateMessenger(PlateFrame frame)
    {
        Frame = frame;
    }

    /// <summary>The frame of this iteration.</summary>
    public PlateFrame Frame { get; }

    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Plates = message.Plates.Insert(0, Frame);
        message.Scale *= Frame.Scale;
    }

    /// <inheritdoc />
    protected override void OnDeterministic(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Plates = message.Plates.Insert(0, Frame);
    }

    /// <inheritdoc />
    public override string ToString() => $"SequentialPlate({Frame})";
}
