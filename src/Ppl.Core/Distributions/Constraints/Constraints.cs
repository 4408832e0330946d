using System.Globalization;

namespace Ppl.Distributions;

/// <summary>The constraints by Pyro's names (<c>constraints.positive</c> → <c>Constraints.Positive</c>).</summary>
public static class Constraints
{
    /// <summary>All real numbers.</summary>
    public static readonly Constraint Real = new RealConstraint();

    /// <summary>Real vectors (<c>independent(real, 1)</c>).</summary>
    public static readonly Constraint RealVector = new IndependentConstraint(Real, 1);

    /// <summary>x &gt; 0.</summary>
    public static readonly Constraint Positive = new GreaterThanConstraint(0.0);

    /// <summary>x ≥ 0.</summary>
    public static readonly Constraint NonNegative = new GreaterThanConstraint(0.0, inclusive: true);

    /// <summary>0 ≤ x ≤ 1.</summary>
    public static readonly Constraint UnitInterval = new IntervalConstraint(0.0, 1.0);

    /// <summary>x ∈ {0, 1}.</summary>
    public static readonly Constraint Boolean = new BooleanConstraint();

    /// <summary>Integers 0, 1, 2, ….</summary>
    public static readonly Constraint NonNegativeInteger = new IntegerGreaterThanConstraint(0);

    /// <summary>Integers 1, 2, 3, ….</summary>
    public static readonly Constraint PositiveInteger = new IntegerGreaterThanConstraint(1);

    /// <summary>Probability vectors over the last dimension.</summary>
    public static readonly Constraint Simplex = new SimplexConstraint();

    /// <summary>One-hot vectors over the last dimension.</summary>
    public static readonly Constraint OneHot = new OneHotConstraint();

    /// <summary>Lower-triangular matrices with positive diagonal.</summary>
    public static readonly Constraint LowerCholesky = new LowerCholeskyConstraint();

    /// <summary>Symmetric positive-definite matrices.</summary>
    public static readonly Constraint PositiveDefinite = new PositiveDefiniteConstraint();

    /// <summary>x &gt; <paramref name="lowerBound"/>.</summary>
    public static Constraint GreaterThan(Bound lowerBound) => new GreaterThanConstraint(lowerBound);

    /// <summary>x ≥ <paramref name="lowerBound"/>.</summary>
    public static Constraint GreaterThanEq(Bound lowerBound) => new GreaterThanConstraint(lowerBound, inclusive: true);

    /// <summary>x &lt; <paramref name="upperBound"/>.</summary>
    public static Constraint LessThan(Bound upperBound) => new LessThanConstraint(upperBound);

    /// <summary><paramref name="lowerBound"/> ≤ x ≤ <paramref name="upperBound"/>.</summary>
    public static Constraint Interval(Bound lowerBound, Bound upperBound) => new IntervalConstraint(lowerBound, upperBound);

    /// <summary><paramref name="lowerBound"/> ≤ x &lt; <paramref name="upperBound"/>.</summary>
    public static Constraint HalfOpenInterval(Bound lowerBound, Bound upperBound) => new IntervalConstraint(lowerBound, upperBound, halfOpen: true);

    /// <summary>Integers in [<paramref name="lowerBound"/>, <paramref name="upperBound"/>].</summary>
    public static Constraint IntegerInterval(Bound lowerBound, Bound upperBound) => new IntegerIntervalConstraint(lowerBound, upperBound);

    /// <summary>Integers ≥ <paramref name="lowerBound"/>.</summary>
    public static Constraint IntegerGreaterThanEq(long lowerBound) => new IntegerGreaterThanConstraint(lowerBound);

    /// <summary>Count vectors summing to at most <paramref name="totalCount"/>.</summary>
    public static Constraint Multinomial(Bound totalCount) => new MultinomialConstraint(totalCount);

    /// <summary><paramref name="baseConstraint"/> with <paramref name="reinterpretedBatchDims"/> more rightmost dims per event.</summary>
    public static Constraint Independent(Constraint baseConstraint, int reinterpretedBatchDims) =>
        reinterpretedBatchDims == 0 ? baseConstraint : new IndependentConstraint(baseConstraint, reinterpretedBatchDims);

    /// <summary>Parses the text form <see cref="Constraint.ToString"/> writes (numeric bounds only).</summary>
    /// <exception cref="FormatException">The text names no known constraint or has a tensor bound.</exception>
    public static Constraint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int open = text.IndexOf('(', StringComparison.Ordinal);
        string name = open < 0 ? text : text[..open];
        string[] args = open < 0 ? [] : SplitTopLevel(text[(open + 1)..^1]);
        double Arg(int i) => i < args.Length && double.TryParse(args[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
            ? x
            : throw new FormatException($"Constraint '{text}': argument {i} is not a number.");
        return name switch
        {
            "real" => Real,
            "boolean" => Boolean,
            "simplex" => Simplex,
            "one_hot" => OneHot,
            "lower_cholesky" => LowerCholesky,
            "positive_definite" => PositiveDefinite,
            "greater_than" => GreaterThan(Arg(0)),
            "greater_than_eq" => GreaterThanEq(Arg(0)),
            "less_than" => LessThan(Arg(0)),
            "interval" => Interval(Arg(0), Arg(1)),
            "half_open_interval" => HalfOpenInterval(Arg(0), Arg(1)),
            "integer_interval" => IntegerInterval(Arg(0), Arg(1)),
            "integer_greater_than_or_equal" => IntegerGreaterThanEq((long)Arg(0)),
            "multinomial" => Multinomial(Arg(0)),
            "independent" when args.Length == 2 => Independent(Parse(args[0]), (int)Arg(1)),
            _ => throw new FormatException($"Unknown constraint '{text}'."),
        };
    }

    private static string[] SplitTopLevel(string s)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '(')
            {
                depth++;
            }
            else if (s[i] == ')')
            {
                depth--;
            }
            else if (s[i] == ',' && depth == 0)
            {
                parts.Add(s[start..i]);
                start = i + 1;
            }
        }

        parts.Add(s[start..]);
        return [.. parts];
    }
}
