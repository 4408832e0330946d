using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>
/// The per-distribution opt-out of value validation: a Bernoulli scores gray levels by their
/// cross-entropy (the relaxed likelihood of the VAE literature), while the plain one refuses them,
/// and everything else (shapes, draws, parameter checks, expansion) is the base's.
/// </summary>
public sealed class UnvalidatedDistributionTests
{
    [Fact]
    public void A_bernoulli_refuses_gray_levels_unless_unvalidated()
    {
        var p = tensor(new[] { 0.2f, 0.7f, 0.9f });
        var x = tensor(new[] { 0.5f, 0.25f, 1.0f });
        var plain = Bernoulli.FromProbs(p).ToEvent(1);
        Assert.Throws<ArgumentException>(() => plain.LogProb(x));

        var relaxed = plain.Unvalidated();
        double expected = new[] { (0.5, 0.2), (0.25, 0.7), (1.0, 0.9) }.Sum(v => (v.Item1 * Math.Log(v.Item2)) + ((1 - v.Item1) * Math.Log(1 - v.Item2)));
        Assert.Equal(expected, relaxed.LogProb(x).ToDouble(), 5);
        Assert.Equal(plain.LogProb(tensor(new[] { 0f, 1f, 1f })).ToDouble(), relaxed.LogProb(tensor(new[] { 0f, 1f, 1f })).ToDouble(), 6);
    }

    [Fact]
    public void Shapes_support_draws_and_expansion_are_the_bases()
    {
        var d = Bernoulli.FromProbs(full(new long[] { 2, 3 }, 0.5f)).ToEvent(1).Unvalidated();
        Assert.Equal([2L], d.BatchShape);
        Assert.Equal([3L], d.EventShape);
        Assert.Equal(Constraints.Independent(Constraints.Boolean, 1).ToString(), d.Support.ToString());
        Assert.Equal([5L, 2, 3], d.Sample(new Generator(1), 5).shape);

        var expanded = d.Expand([4, 2]);
        Assert.IsType<UnvalidatedDistribution>(expanded);
        Assert.Equal([4L, 2], expanded.BatchShape);
        Assert.Equal([4L, 2], expanded.LogProb(full(new long[] { 4, 2, 3 }, 0.5f)).shape);
    }

    [Fact]
    public void Parameters_are_still_checked()
    {
        Assert.Throws<ArgumentException>(() => Bernoulli.FromProbs(tensor(1.5f)).Unvalidated());
    }

    [Fact]
    public void Inside_to_event_it_also_turns_the_check_off()
    {
        // Independent leaves value checks to its base, so the order of the two wrappers does not matter
        var x = tensor(new[] { 0.5f, 0f, 1f });
        var inner = Bernoulli.FromProbs(full(new long[] { 3 }, 0.5f)).Unvalidated().ToEvent(1);
        var outer = Bernoulli.FromProbs(full(new long[] { 3 }, 0.5f)).ToEvent(1).Unvalidated();
        Assert.Equal(3 * Math.Log(0.5), inner.LogProb(x).ToDouble(), 5);
        Assert.Equal(outer.LogProb(x).ToDouble(), inner.LogProb(x).ToDouble());
    }
}
