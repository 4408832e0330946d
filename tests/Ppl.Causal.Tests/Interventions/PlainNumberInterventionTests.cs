using Ppl.Causal;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Interventions;

/// <summary>
/// A plain number as an intervention (<c>["x"] = 1</c>) takes the site's value dtype and device
/// at the site, so discrete sites need no <c>tensor(1L)</c>; a number that is not a whole number
/// on a discrete site (a category, a count, a 0/1 outcome) is an error naming the site and the
/// number, never truncated.
/// </summary>
[Collection("Sequential")]
public sealed class PlainNumberInterventionTests
{
    // x: category in {0, 1, 2}; b: 0/1 outcome; n: count; k: an integer deterministic site; z continuous
    private static readonly Func<bool, Tensor> Model = _ =>
    {
        var x = Sample("x", Categorical.FromProbs(tensor(new[] { 0.2, 0.5, 0.3 }, dtype: get_default_dtype())));
        var b = Sample("b", Bernoulli.FromProbs(0.4));
        var n = Sample("n", new Poisson(2.0));
        var k = Deterministic("k", x.add(1));
        var z = Sample("z", new Normal(0.0, 1.0));
        var loc = x.to_type(get_default_dtype()).mul(2).add(b.mul(10)).add(n.mul(100)).add(k.to_type(get_default_dtype()).mul(1000)).add(z);
        return Sample("y", new Normal(loc, 1.0));
    };

    private static Trace Run(Dictionary<string, Intervention> actions) => Model.Intervene(actions).Seed(5).GetTrace(false);

    private static Normal Downstream(Trace trace) => Assert.IsType<Normal>(trace["y"].Distribution);

    [Fact]
    public void A_whole_number_on_a_categorical_site_acts_as_an_int64_tensor()
    {
        using var scope = NewDisposeScope();
        var withNumber = Run(new() { ["x"] = 1 });
        var withTensor = Run(new() { ["x"] = tensor(1L) });

        Assert.Equal(ScalarType.Int64, withNumber["x"].Value!.dtype);
        Assert.Equal(1L, withNumber["x"].Value!.item<long>());
        Assert.Equal(2L, withNumber["k"].Value!.item<long>());
        Assert.Equal(Downstream(withTensor).Loc.item<float>(), Downstream(withNumber).Loc.item<float>());
        Assert.Equal(Downstream(withTensor).Scale.item<float>(), Downstream(withNumber).Scale.item<float>());
    }

    [Fact]
    public void Whole_numbers_on_bernoulli_and_poisson_sites_take_their_float_dtype()
    {
        using var scope = NewDisposeScope();
        var trace = Run(new() { ["b"] = 1, ["n"] = 3 });
        Assert.Equal(ScalarType.Float32, trace["b"].Value!.dtype);
        Assert.Equal(1f, trace["b"].Value!.item<float>());
        Assert.Equal(3f, trace["n"].Value!.item<float>());
        var plain = Model.Seed(5).GetTrace(false);
        float expected = Downstream(plain).Loc.item<float>()
            + (10 * (1 - plain["b"].Value!.item<float>())) + (100 * (3 - plain["n"].Value!.item<float>()));
        Assert.Equal(expected, Downstream(trace).Loc.item<float>(), 3);
    }

    [Theory]
    [InlineData("x", 1.5)]
    [InlineData("x", -0.25)]
    [InlineData("b", 0.5)]
    [InlineData("n", 2.5)]
    [InlineData("k", 1.5)]
    [InlineData("x", double.NaN)]
    public void A_number_that_is_not_whole_on_a_discrete_site_names_the_site_and_the_number(string site, double value)
    {
        using var scope = NewDisposeScope();
        // GetTrace reports a model's exception as a ModelExecutionException holding it
        var e = Assert.IsType<ArgumentException>(Assert.Throws<ModelExecutionException>(() => Run(new() { [site] = value })).InnerException);
        Assert.Contains($"'{site}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_float_tensor_that_is_not_whole_on_a_categorical_site_is_an_error_too()
    {
        using var scope = NewDisposeScope();
        var e = Assert.IsType<ArgumentException>(Assert.Throws<ModelExecutionException>(() => Run(new() { ["x"] = tensor(1.5) })).InnerException);
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
        Assert.Contains("1.5", e.Message, StringComparison.Ordinal);
        Assert.Equal(1L, Run(new() { ["x"] = tensor(1.0) })["x"].Value!.item<long>());
    }

    [Fact]
    public void In_a_twin_world_a_plain_number_gives_the_counterfactual_category()
    {
        using var scope = NewDisposeScope();
        var trace = Model.Intervene(new Dictionary<string, Intervention> { ["x"] = 2 }).TwinWorld().Seed(5).GetTrace(false);
        var x = trace["x"].Value!;
        Assert.Equal(ScalarType.Int64, x.dtype);
        Assert.Equal(2L, x.flatten()[-1].item<long>());
        var e = Assert.Throws<ModelExecutionException>(() => Model.Intervene(new Dictionary<string, Intervention> { ["x"] = 2.5 }).TwinWorld().Seed(5).GetTrace(false));
        Assert.IsType<ArgumentException>(e.InnerException);
    }

    [Fact]
    public void Under_a_float64_default_a_continuous_site_takes_the_number_as_float64()
    {
        using var float64Default = new DefaultDtypeScope(ScalarType.Float64);
        using var scope = NewDisposeScope();
        var trace = Run(new() { ["z"] = 0.1 });
        Assert.Equal(ScalarType.Float64, trace["z"].Value!.dtype);
        Assert.Equal(0.1, trace["z"].Value!.item<double>());
        Assert.Equal(ScalarType.Float64, Downstream(trace).Loc.dtype);
    }
}
