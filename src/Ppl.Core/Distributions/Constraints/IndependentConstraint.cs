using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// <see cref="Base"/> applied elementwise with the rightmost <see cref="ReinterpretedBatchDims"/>
/// dims treated as one event (all must hold), e.g. <c>independent(real, 1)</c> for real vectors.
/// </summary>
public sealed class IndependentConstraint : Constraint
{
    /// <summary>Wraps <paramref name="baseConstraint"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reinterpretedBatchDims"/> is negative.</exception>
    public IndependentConstraint(Constraint baseConstraint, int reinterpretedBatchDims)
    {
        ArgumentNullException.ThrowIfNull(baseConstraint);
        ArgumentOutOfRangeException.ThrowIfNegative(reinterpretedBatchDims);
        Base = baseConstraint;
        ReinterpretedBatchDims = reinterpretedBatchDims;
    }

    /// <summary>The elementwise constraint.</summary>
    public Constraint Base { get; }

    /// <summary>How many extra rightmost dims form one event.</summary>
    public int ReinterpretedBatchDims { get; }

    /// <inheritdoc />
    public override bool IsDiscrete => Base.IsDiscrete;

    /// <inheritdoc />
    public override int EventDim => Base.EventDim + ReinterpretedBatchDims;

    /// <inheritdoc />
    public override Tensor Check(Tensor value)
    {
        var ok = Base.Check(value);
        for (int i = 0; i < ReinterpretedBatchDims; i++)
        {
            ok = ok.all(-1);
        }

        return ok;
    }

    /// <inheritdoc />
    public override bool HoldsEverywhere(Tensor value) => Base.HoldsEverywhere(value);

    /// <inheritdoc />
    public override string ToString() => $"independent({Base},{ReinterpretedBatchDims})";
}
