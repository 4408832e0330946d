using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Handlers;

/// <summary>
/// <c>Poutine.Do</c> with a plain number (<c>["x"] = 1</c>, which TorchSharp turns into an int32
/// or float64 tensor): the model continues with the number in the site's own value dtype and
/// device, as with <c>tensor(1L)</c>; a number that is not whole on a discrete site is an error
/// naming the site and the number.
/// </summary>
[Collection("Sequential")]
public sealed class DoPlainNumberTests
{
    // x: category in {0, 1, 2}; b: 0/1 outcome; z continuous. Returns the values the model continued with.
    private static readonly Func<bool, (Tensor X, Tensor B, Tensor Z)> Model = _ =>
    {
        var x = Sample("x", Categorical.FromProbs(tensor(new[] { 0.2, 0.5, 0.3 }, dtype: get_default_dtype())));
        var b = Sample("b", Bernoulli.FromProbs(0.4));
        var z = Sample("z", new Normal(0.0, 1.0));
        Sample("y", new Normal(x.to_type(get_default_dtype()).add(b.mul(10)).add(z), 1.0));
        return (x, b, z);
    };

    private static (Trace Trace, (Tensor X, Tensor B, Tensor Z) Seen) Run(Dictionary<string, Tensor> data) => Model.Do(data).Seed(5).TraceRun(false);

    [Fact]
    public void A_whole_number_on_a_categorical_site_is_the_int64_category()
    {
        using var scope = NewDisposeScope();
        var (withNumber, seen) = Run(new() { ["x"] = 1 });
        var (withTensor, _) = Run(new() { ["x"] = tensor(1L) });

        Assert.Equal(ScalarType.Int64, seen.X.dtype);
        Assert.Equal(1L, seen.X.item<long>());
        var y = Assert.IsType<Normal>(withNumber["y"].Distribution);
        var yTensor = Assert.IsType<Normal>(withTensor["y"].Distribution);
        Assert.Equal(yTensor.Loc.item<float>(), y.Loc.item<float>());
    }

    [Fact]
    public void A_number_takes_the_float_dtype_of_a_bernoulli_or_continuous_site()
    {
        using var scope = NewDisposeScope();
        var (_, seen) = Run(new() { ["b"] = 1, ["z"] = 0.25 });
        Assert.Equal(ScalarType.Float32, seen.B.dtype);
        Assert.Equal(ScalarType.Float32, seen.Z.dtype);
        Assert.Equal(0.25f, seen.Z.item<float>());
    }

    [Fact]
    public void Under_a_float64_default_a_number_on_a_continuous_site_is_float64()
    {
        using var float64Default = new DefaultDtypeScope(ScalarType.Float64);
        using var scope = NewDisposeScope();
        var (trace, seen) = Run(new() { ["z"] = 0.1f });
        Assert.Equal(ScalarType.Float64, seen.Z.dtype);
        Assert.Equal(ScalarType.Float64, Assert.IsType<Normal>(trace["y"].Distribution).Loc.dtype);
    }

    [Theory]
    [InlineData("x", 1.5)]
    [InlineData("b", 0.5)]
    public void A_number_that_is_not_whole_on_a_discrete_site_names_the_site_and_the_number(string site, double value)
    {
        using var scope = NewDisposeScope();
        var e = Assert.IsType<ArgumentException>(Assert.Throws<ModelExecutionException>(() => Run(new() { [site] = value })).InnerException);
        Assert.Contains($"'{site}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }
}
