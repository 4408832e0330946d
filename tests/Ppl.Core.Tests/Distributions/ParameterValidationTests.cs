using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>
/// Every family rejects parameters outside its domain (NaN, ±∞ where the domain is finite, a
/// <c>double</c> that does not survive conversion to the dtype) with a message naming the
/// family, the parameter, its shape and the offending entries, and accepts the domain's edges.
/// </summary>
[Collection("Sequential")]
public sealed class ParameterValidationTests
{
    private static readonly Dictionary<string, InvalidParameterCase> Invalid = ParameterCases.Invalid.ToDictionary(c => c.Name);
    private static readonly Dictionary<string, Func<Distribution>> Edges = ParameterCases.ValidEdges.ToDictionary(c => c.Name, c => c.Make);

    public static TheoryData<string> InvalidNames => new(Invalid.Keys);

    public static TheoryData<string> EdgeNames => new(Edges.Keys);

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void InvalidParametersAreRejectedNamingFamilyParameterShapeAndValue(string name)
    {
        using var scope = NewDisposeScope();
        var c = Invalid[name];
        var e = Assert.Throws<ArgumentException>(() => c.Make());
        Assert.StartsWith(c.Family + ":", e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{c.Parameter}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("shape [", e.Message, StringComparison.Ordinal);
        Assert.Contains(c.Shown, e.Message, StringComparison.Ordinal);
        Assert.Equal(c.Parameter, e.ParamName);
    }

    [Theory]
    [MemberData(nameof(EdgeNames))]
    public void ParametersAtTheEdgeOfTheirDomainAreAccepted(string name)
    {
        using var scope = NewDisposeScope();
        var d = Edges[name]();
        var x = d.Sample(new Generator(3, CPU), 4);
        Assert.False(d.LogProb(x).isnan().any().item<bool>(), $"{name}: NaN log-density of its own draws");
    }

    [Fact]
    public void TheMessageListsTheFirstOffendingEntriesWithTheirIndices()
    {
        using var scope = NewDisposeScope();
        var loc = tensor(new[] { 0.0f, float.NaN, float.NaN, float.PositiveInfinity, 1.0f, float.NegativeInfinity }).reshape(2, 3);
        var e = Assert.Throws<ArgumentException>(() => new Normal(loc, ones(3)));
        Assert.Equal(
            "Normal: parameter 'loc' (shape [2, 3]) must be finite, got NaN at [0, 1], NaN at [0, 2], inf at [1, 0] and 1 more entry. (Parameter 'loc')",
            e.Message);
    }

    [Fact]
    public void ADoubleParameterIsCheckedInTheDistributionsDtype()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new Normal(zeros(2, dtype: float32), 1e-50));
        Assert.Contains("got 1E-50, which is 0 in Float32", e.Message, StringComparison.Ordinal);

        // the same number is a valid float64 scale, and its density is finite
        var d = new Normal(zeros(2, dtype: float64), 1e-50);
        Assert.True(d.LogProb(zeros(2, dtype: float64)).isfinite().all().item<bool>());
    }

    [Fact]
    public void DoubleParametersAreCheckedOnTheMetaDeviceToo()
    {
        using var scope = NewDisposeScope();
        var meta = device("meta");

        // a double has a value even where tensors have none
        Assert.Throws<ArgumentException>(() => new Normal(zeros(new long[] { 3 }, device: meta), 1e-50));
        Assert.Throws<ArgumentException>(() => new LogNormal(zeros(new long[] { 3 }, device: meta), double.NaN));

        // tensors on meta are not checked: there are no values to read
        var d = Categorical.FromProbs(zeros(new long[] { 2, 3 }, device: meta));
        Assert.Equal([4L, 2L], d.Sample(new Generator(1, meta), 4).shape);
    }

    [Fact]
    public void NothingIsCheckedWhileValidationIsOff()
    {
        using var scope = NewDisposeScope();
        Distribution.ValidationEnabled = false;
        try
        {
            foreach (var c in ParameterCases.Invalid)
            {
                _ = c.Make();
            }
        }
        finally
        {
            Distribution.ValidationEnabled = true;
        }
    }
}
