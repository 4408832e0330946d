using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests;

[Collection("Sequential")]
public sealed class TraceRecordingTests
{
    [Fact]
    public void SitesAreRecordedInExecutionOrderWithTheirKinds()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ =>
        {
            var w = Param("w", F64.T(0.5));
            var a = Sample("a", F64.Normal64(0, 1));
            using var plate = Plate("p", 2);
            return Deterministic("d", a.add(w));
        };

        var trace = model.GetTrace(false);

        Assert.Equal(
            new[] { ("w", SiteKind.Param), ("a", SiteKind.Sample), ("p", SiteKind.Plate), ("d", SiteKind.Deterministic) },
            trace.Nodes.Select(s => (s.Name, s.Kind)));
        Assert.Equal(new[] { "a" }, trace.SampleSites.Select(s => s.Name));
        Assert.Equal(new[] { "w" }, trace.ParamSites.Select(s => s.Name));
        Assert.Equal(new long[] { 0, 1 }, trace["p"].Value!.data<long>().ToArray());
    }

    [Fact]
    public void DuplicateSampleSiteNameThrows()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            using (new TraceMessenger().Install())
            {
                Sample("x", F64.Normal64(0, 1));
                Sample("x", F64.Normal64(0, 1));
            }
        });
        Assert.Contains("Multiple sample sites named 'x'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParamUsedTwiceIsRecordedOnce()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ => Param("w", F64.T(0.5)).add(Param("w", F64.T(0.5)));

        var (trace, value) = model.TraceRun(false);

        Assert.Single(trace.ParamSites);
        Assert.Equal(0.5, F64.D(trace["w"].Value!));
        Assert.Equal(1.0, F64.D(value));
    }

    [Fact]
    public void SampleNamedLikeAParamThrows()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            using (new TraceMessenger().Install())
            {
                Param("w", F64.T(0.5));
                Sample("w", F64.Normal64(0, 1));
            }
        });
        Assert.Contains("already in the trace as a param", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownSiteLookupListsTheSites()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ => Sample("alpha", F64.Normal64(0, 1));
        var trace = model.GetTrace(false);

        var e = Assert.Throws<KeyNotFoundException>(() => trace["beta"]);
        Assert.Contains("alpha", e.Message, StringComparison.Ordinal);
        Assert.False(trace.Contains("beta"));
        Assert.False(trace.TryGetSite("beta", out _));
    }

    [Fact]
    public void FormatShapesListsEverySiteWithItsShapesAndPlates()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ =>
        {
            var scale = Sample("scale_site", F64.Normal64(0, 1));
            using var plate = Plate("rows", 3);
            return Sample("obs_site", new Ppl.Distributions.Normal(zeros(3, dtype: ScalarType.Float64), 1.0), obs: F64.T(1.0, 2.0, 3.0));
        };

        var lines = model.GetTrace(false).FormatShapes().Split('\n').Select(l => l.Trim()).ToList();

        Assert.Equal("Trace shapes:", lines[0]);
        Assert.StartsWith("site", lines[1], StringComparison.Ordinal);
        var scaleRow = Assert.Single(lines, l => l.StartsWith("scale_site", StringComparison.Ordinal));
        Assert.Matches(@"^scale_site\s*\|\s*sample\s*\|\s*\[\]\s*\|\s*\[\]\s*\|\s*\[\]\s*\|?$", scaleRow); // no plates: empty last column
        var obsRow = Assert.Single(lines, l => l.StartsWith("obs_site", StringComparison.Ordinal));
        Assert.Matches(@"^obs_site\s*\|\s*sample \(obs\)\s*\|\s*\[3\]\s*\|\s*\[\]\s*\|\s*\[3\]\s*\|\s*rows\[dim -1, 3/3\]$", obsRow);
        Assert.Single(lines, l => l.StartsWith("rows", StringComparison.Ordinal));
    }
}
