using Ppl.Effects;
using Ppl.Handlers;
using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// An entered vectorized plate, returned by <see cref="Primitives.Plate(string, long, long?, int?, TorchSharp.torch.Device?)"/>; dispose it (with
/// <c>using</c>) to leave the plate. A ref struct, like every handler scope.
/// </summary>
public readonly ref struct PlateScope
{
    private readonly PlateMessenger _handler;

    internal PlateScope(PlateMessenger handler) => _handler = handler;

    /// <summary>The plate's name.</summary>
    public string Name => _handler.Frame.Name;

    /// <summary>The full size; −1 for a plate of any size (<see cref="Primitives.UnsizedPlate"/>).</summary>
    public long Size => _handler.Frame.Size;

    /// <summary>The number of indices used in this run.</summary>
    public long SubsampleSize => _handler.Frame.SubsampleSize;

    /// <summary>The (negative) batch dim the plate occupies.</summary>
    public int Dim => _handler.Frame.Dim!.Value;

    /// <summary>The subsample indices (all of 0…Size−1 when not subsampling), int64.</summary>
    /// <exception cref="InvalidOperationException">The plate has no size, so no indices.</exception>
    public Tensor Indices => _handler.Indices ?? throw new InvalidOperationException($"plate('{Name}') has no size, so it has no indices.");

    /// <summary>
    /// Selects the subsample from full-size <paramref name="data"/> along the plate's dim, where
    /// the rightmost <paramref name="eventDim"/> dims of the data are event dims. Data that
    /// broadcasts along the plate (size 1 there, or too few dims) passes through unchanged, as in
    /// Pyro; so does anything inside a plate of any size.
    /// </summary>
    /// <exception cref="ArgumentException">The data has a size other than 1 or the plate's size at that dim.</exception>
    public Tensor Subsample(Tensor data, int eventDim = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(eventDim);
        string name = Name;
        var cut = _handler.SliceToSubsample(data, eventDim, () => $"plate('{name}').Subsample(data, eventDim: {eventDim})");
        return ReferenceEquals(cut, data) ? data.alias() : cut;
    }

    /// <summary>Leaves the plate.</summary>
    public void Dispose()
    {
        if (_handler is not null)
        {
            HandlerStack.Pop(_handler);
        }
    }
}
