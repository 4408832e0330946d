using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>For any subset of a fixed model's sites, Condition observes exactly those sites at exactly the given values.</summary>
[Collection("Sequential")]
public sealed class ConditionProperties
{
    private const int K = 4;

    private static readonly Func<bool, Tensor> Model = _ =>
    {
        var s0 = Sample("s0", F64.Normal64(0, 1));
        var s1 = Sample("s1", new Ppl.Distributions.Normal(s0, 1.0));
        var s2 = Sample("s2", F64.Normal64(0, 2));
        return Sample("s3", new Ppl.Distributions.Normal(s1.add(s2), 1.0));
    };

    // per site: null (latent) or an observation in [-10, 10] with two decimals
    private static readonly Arbitrary<double?[]> Observations =
        Gen.ArrayOf(
                Gen.Frequency(
                    (1, Gen.Constant<double?>(null)),
                    (1, Gen.Choose(-1000, 1000).Select(v => (double?)(v / 100.0)))),
                K)
            .ToArbitrary();

    [Property(MaxTest = 50, Replay = "(20250101,1)")]
    public Property ConditionObservesExactlyTheGivenSites() => Prop.ForAll(Observations, observations =>
    {
        using var scope = NewDisposeScope();
        var data = Enumerable.Range(0, K)
            .Where(i => observations[i] is not null)
            .ToDictionary(i => $"s{i}", i => F64.T(observations[i]!.Value), StringComparer.Ordinal);

        var trace = Model.Condition(data).GetTrace(false);

        for (int i = 0; i < K; i++)
        {
            var site = trace[$"s{i}"];
            if (observations[i] is double v)
            {
                Assert.True(site.IsObserved, $"s{i} should be observed");
                Assert.Equal(v, F64.D(site.Value!));
            }
            else
            {
                Assert.True(site.IsLatent, $"s{i} should be latent");
            }
        }

        Assert.Equal(data.Count, trace.ObservedSites.Count());
    });
}
