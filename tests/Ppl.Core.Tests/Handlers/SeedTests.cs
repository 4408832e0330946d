using Ppl.Distributions;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Handlers;

[Collection("Sequential")]
public sealed class SeedTests
{
    // a ~ N(0,1); in a plate of 4: b ~ N(a, 1), c ~ N(b, 1)
    private static readonly Func<bool, Tensor> Model = _ =>
    {
        var a = Sample("a", F64.Normal64(0, 1));
        using var plate = Plate("p", 4);
        var b = Sample("b", new Normal(a, 1.0));
        return Sample("c", new Normal(b, 1.0));
    };

    private static readonly string[] Sites = ["a", "b", "c"];

    [Fact]
    public void SameSeedGivesIdenticalValues()
    {
        using var scope = NewDisposeScope();
        var first = Model.Seed(42).GetTrace(false);
        var second = Model.Seed(42).GetTrace(false);

        Assert.All(Sites, s => Assert.True(F64.Identical(first[s].Value!, second[s].Value!), s));
        Assert.Equal(new long[] { 4 }, first["c"].Value!.shape);
    }

    [Fact]
    public void DifferentSeedsGiveDifferentValues()
    {
        using var scope = NewDisposeScope();
        var first = Model.Seed(42).GetTrace(false);
        var second = Model.Seed(43).GetTrace(false);

        Assert.All(Sites, s => Assert.False(F64.Identical(first[s].Value!, second[s].Value!), s));
    }

    [Fact]
    public void AnUnrelatedSiteAddedBeforeDoesNotShiftOtherDraws()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> extended = _ =>
        {
            Sample("unrelated", new Normal(zeros(7, dtype: ScalarType.Float64), 1.0));
            return Model(false);
        };

        var plain = Model.Seed(5).GetTrace(false);
        var withExtra = extended.Seed(5).GetTrace(false);

        Assert.All(Sites, s => Assert.True(F64.Identical(plain[s].Value!, withExtra[s].Value!), s));
    }

    [Fact]
    public void ASiteReachedTwiceInOneInstallationDrawsAfreshAndEachInstallationStartsOver()
    {
        using var scope = NewDisposeScope();
        var first = DrawInSequentialPlate(9);
        var second = DrawInSequentialPlate(9);

        Assert.Equal(3, first.Distinct().Count());
        Assert.Equal(first, second);
    }

    [Fact]
    public void PlateSubsampleIndicesAreReproducible()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ =>
        {
            using var plate = Plate("data", 100, subsampleSize: 10);
            return plate.Indices;
        };

        var first = model.Seed(1)(false);
        var again = model.Seed(1)(false);
        var other = model.Seed(2)(false);

        Assert.True(F64.Identical(first, again));
        Assert.False(F64.Identical(first, other));
    }

    [Fact]
    public void SeedInsideUnconditionMakesTheRedrawReproducible()
    {
        // SeedMessenger promises that every draw inside it is reproducible. Here the draw happens
        // inside the seed handler (Uncondition, outside it, turns the observation into a draw).
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ => Sample("y", F64.Normal64(0, 1), obs: F64.T(5.0));

        var first = model.Seed(3).Uncondition()(false);
        var second = model.Seed(3).Uncondition()(false);

        Assert.NotEqual(5.0, F64.D(first));
        Assert.Equal(F64.D(first), F64.D(second));
    }

    private static List<double> DrawInSequentialPlate(long seed)
    {
        var draws = new List<double>();
        using (new SeedMessenger(seed).Install())
        {
            foreach (var _ in SequentialPlate("s", 3))
            {
                draws.Add(F64.D(Sample("x", F64.Normal64(0, 1))));
            }
        }

        return draws;
    }
}
