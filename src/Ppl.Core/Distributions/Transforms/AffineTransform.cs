using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>
/// y = loc + scale · x elementwise, with loc and scale numbers or tensors that broadcast against x.
/// With <c>eventDim</c> &gt; 0 the rightmost dims form one event and the Jacobian term is summed over them.
/// </summary>
public sealed class AffineTransform : Transform
{
    /// <summary>y = <paramref name="loc"/> + <paramref name="scale"/> · x; <paramref name="eventDim"/> rightmost dims form one event.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="eventDim"/> is negative.</exception>
    /// <exception cref="ArgumentException">A numeric scale is zero (the map would not be invertible).</exception>
    public AffineTransform(Bound loc, Bound scale, int eventDim = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(eventDim);
        if (!scale.IsTensor && scale.Value == 0)
        {
            throw new ArgumentException("AffineTransform: scale 0 is not invertible.", nameof(scale));
        }

        Loc = loc;
        Scale = scale;
        EventDim = eventDim;
    }

    /// <summary>The shift.</summary>
    public Bound Loc { get; }

    /// <summary>The multiplier.</summary>
    public Bound Scale { get; }

    /// <summary>How many rightmost dims form one event.</summary>
    public int EventDim { get; }

    /// <inheritdoc />
    public override int DomainEventDim => EventDim;

    /// <inheritdoc />
    public override Constraint Codomain => Domain;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x)
    {
        var scaled = Scale.IsTensor ? x.mul(Scale.Tensor!) : x.mul(Scale.Value);
        return Loc.IsTensor ? scaled.add(Loc.Tensor!) : scaled.add(Loc.Value);
    }

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y)
    {
        var shifted = Loc.IsTensor ? y.sub(Loc.Tensor!) : y.sub(Loc.Value);
        return Scale.IsTensor ? shifted.div(Scale.Tensor!) : shifted.div(Scale.Value);
    }

    /// <summary>Σ over the event of log |scale|, broadcast to the shape of x.</summary>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y)
    {
        var logAbsScale = Scale.IsTensor
            ? Scale.Tensor!.square().log().mul(0.5).expand(ShapeUtil.Broadcast(Scale.Tensor!.Shape(), x.Shape()))
            : full(x.Shape(), Math.Log(Math.Abs(Scale.Value)), dtype: x.dtype, device: x.device);
        return TensorUtil.SumRightmost(logAbsScale, EventDim);
    }

    /// <inheritdoc />
    public override long[] ForwardShape(long[] shape) => Broadcast(shape);

    /// <inheritdoc />
    public override long[] InverseShape(long[] shape) => Broadcast(shape);

    /// <inheritdoc />
    public override string ToString() => $"AffineTransform(loc: {Loc}, scale: {Scale}, event_dim: {EventDim})";

    private long[] Broadcast(long[] shape)
    {
        var withLoc = Loc.IsTensor ? ShapeUtil.Broadcast(shape, Loc.Tensor!.Shape()) : shape;
        return Scale.IsTensor ? ShapeUtil.Broadcast(withLoc, Scale.Tensor!.Shape()) : withLoc;
    }
}
