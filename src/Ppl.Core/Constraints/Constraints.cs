using System.Globalization;
using static TorchSharp.torch;

namespace Ppl.Constraints;

/// <summary>The constraints the core uses, by Pyro's names.</summary>
public static class Constraints
{
    /// <summary>All real numbers.</summary>
    public static readonly Constraint Real = new RealConstraint();

    /// <summary>x &gt; 0.</summary>
    public static readonly Constraint Positive = new GreaterThanConstraint(0.0);

    /// <summary>0 ≤ x ≤ 1.</summary>
    public static readonly Constraint UnitInterval = new IntervalConstraint(0.0, 1.0);

    /// <summary>x ∈ {0, 1}.</summary>
    public static readonly Constraint Boolean = new BooleanConstraint();

    /// <summary>Integers 0, 1, 2, ….</summary>
    public static readonly Constraint NonNegativeInteger = new IntegerGreaterThanOrEqualConstraint(0);

    /// <summary>x &gt; <paramref name="lowerBound"/>.</summary>
    public static Constraint GreaterThan(double lowerBound) => new GreaterThanConstraint(lowerBound);

    /// <summary><paramref name="lowerBound"/> ≤ x ≤ <paramref name="upperBound"/>.</summary>
    public static Constraint Interval(double lowerBound, double upperBound) => new IntervalConstraint(lowerBound, upperBound);

    /// <summary>Integers in [<paramref name="lowerBound"/>, <paramref name="upperBound"/>].</summary>
    public static Constraint IntegerInterval(long lowerBound, long upperBound) => new IntegerIntervalConstraint(lowerBound, upperBound);

    /// <summary>Parses the text form <see cref="Constraint.ToString"/> writes.</summary>
    /// <exception cref="FormatException">The text names no known constraint.</exception>
    public static Constraint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('(', ')', ',');
        double Arg(int i) => double.Parse(parts[i], CultureInfo.InvariantCulture);
        return parts[0] switch
        {
            "real" => Real,
            "boolean" => Boolean,
            "greater_than" => GreaterThan(Arg(1)),
            "interval" => Interval(Arg(1), Arg(2)),
            "integer_interval" => IntegerInterval((long)Arg(1), (long)Arg(2)),
            "integer_greater_than_or_equal" => new IntegerGreaterThanOrEqualConstraint((long)Arg(1)),
            _ => throw new FormatException($"Unknown constraint '{text}'."),
        };
    }

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private sealed class RealConstraint : Constraint
    {
        public override Tensor Check(Tensor value) => value.eq(value); // false only for NaN

        public override string ToString() => "real";
    }

    private sealed class GreaterThanConstraint(double lowerBound) : Constraint
    {
        public double LowerBound { get; } = lowerBound;

        public override Tensor Check(Tensor value) => value.gt(LowerBound);

        public override string ToString() => $"greater_than({F(LowerBound)})";
    }

    private sealed class IntervalConstraint(double lowerBound, double upperBound) : Constraint
    {
        public double LowerBound { get; } = lowerBound;

        public double UpperBound { get; } = upperBound;

        public override Tensor Check(Tensor value) => value.ge(LowerBound).logical_and(value.le(UpperBound));

        public override string ToString() => $"interval({F(LowerBound)},{F(UpperBound)})";
    }

    private sealed class BooleanConstraint : Constraint
    {
        public override bool IsDiscrete => true;

        public override Tensor Check(Tensor value) => value.eq(0).logical_or(value.eq(1));

        public override string ToString() => "boolean";
    }

    private sealed class IntegerIntervalConstraint(long lowerBound, long upperBound) : Constraint
    {
        public override bool IsDiscrete => true;

        public override Tensor Check(Tensor value) =>
            value.eq(value.floor()).logical_and(value.ge(lowerBound)).logical_and(value.le(upperBound));

        public override string ToString() => $"integer_interval({lowerBound},{upperBound})";
    }

    private sealed class IntegerGreaterThanOrEqualConstraint(long lowerBound) : Constraint
    {
        public override bool IsDiscrete => true;

        public override Tensor Check(Tensor value) => value.eq(value.floor()).logical_and(value.ge(lowerBound));

        public override string ToString() => $"integer_greater_than_or_equal({lowerBound})";
    }
}
