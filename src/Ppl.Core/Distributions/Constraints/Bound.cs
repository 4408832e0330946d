using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// A bound of a constraint: a number, or a tensor when the bound varies over a batch (a
/// <c>Uniform(low, high)</c> with tensor parameters, a <c>Binomial</c> with per-element counts).
/// Comparisons with a numeric bound use scalar overloads so no tensor is created on any device.
/// </summary>
public readonly struct Bound : IEquatable<Bound>
{
    private Bound(double value, Tensor? tensor)
    {
        Value = value;
        Tensor = tensor;
    }

    /// <summary>The numeric bound (NaN when the bound is a tensor).</summary>
    public double Value { get; }

    /// <summary>The tensor bound, or null for a numeric bound.</summary>
    public Tensor? Tensor { get; }

    /// <summary>True when the bound is a tensor.</summary>
    public bool IsTensor => Tensor is not null;

    /// <summary>A numeric bound.</summary>
    public static implicit operator Bound(double value) => new(value, null);

    /// <summary>A tensor bound.</summary>
    public static implicit operator Bound(Tensor tensor) => FromTensor(tensor);

    /// <summary>A numeric bound.</summary>
    public static Bound FromDouble(double value) => new(value, null);

    /// <summary>A tensor bound.</summary>
    public static Bound FromTensor(Tensor tensor) => new(double.NaN, tensor ?? throw new ArgumentNullException(nameof(tensor)));

    /// <summary>The bound as a tensor with the dtype and device of <paramref name="like"/>.</summary>
    public Tensor AsTensor(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Tensor is null ? torch.tensor(Value, dtype: like.dtype, device: like.device) : Tensor.to(like.dtype);
    }

    /// <summary><paramref name="x"/> &gt; bound.</summary>
    public Tensor Below(Tensor x) => Tensor is null ? x.gt(Value) : x.gt(Tensor);

    /// <summary><paramref name="x"/> ≥ bound.</summary>
    public Tensor BelowOrAt(Tensor x) => Tensor is null ? x.ge(Value) : x.ge(Tensor);

    /// <summary><paramref name="x"/> &lt; bound.</summary>
    public Tensor Above(Tensor x) => Tensor is null ? x.lt(Value) : x.lt(Tensor);

    /// <summary><paramref name="x"/> ≤ bound.</summary>
    public Tensor AboveOrAt(Tensor x) => Tensor is null ? x.le(Value) : x.le(Tensor);

    /// <inheritdoc />
    public bool Equals(Bound other) => ReferenceEquals(Tensor, other.Tensor) && (Tensor is not null || Value.Equals(other.Value));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Bound b && Equals(b);

    /// <inheritdoc />
    public override int GetHashCode() => Tensor?.GetHashCode() ?? Value.GetHashCode();

    /// <summary>Equality.</summary>
    public static bool operator ==(Bound left, Bound right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Bound left, Bound right) => !left.Equals(right);

    /// <summary>The number in round-trip form, or <c>tensor[shape]</c>.</summary>
    public override string ToString() =>
        Tensor is null ? Value.ToString("R", CultureInfo.InvariantCulture) : "tensor" + ShapeUtil.Format(Tensor.Shape());
}
