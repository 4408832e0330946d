using Ppl.Data;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Data;

/// <summary>A batch's data helpers stay on the data's device, the meta device included (no kernels, no values).</summary>
public sealed class MiniBatchTests
{
    private static readonly Device Meta = device("meta");

    private static MiniBatch Batch() => new MiniBatches(size: 20, batchSize: 6, seed: 1).Epoch(0).First();

    [Fact]
    public void IndicesAreMadeOnTheMetaDevice()
    {
        using var indices = Batch().Indices(Meta);
        Assert.Equal(DeviceType.META, indices.device_type);
        Assert.Equal(ScalarType.Int64, indices.dtype);
        Assert.Equal([6L], indices.shape);
    }

    [Fact]
    public void SelectKeepsAMetaTensorOnMeta()
    {
        using var data = empty([20, 3, 2], device: Meta);
        using var rows = Batch().Select(data);
        Assert.Equal(DeviceType.META, rows.device_type);
        Assert.Equal([6L, 3, 2], rows.shape);
    }

    [Fact]
    public void SelectTakesTheBatchsRowsInOrder()
    {
        var batch = Batch();
        using var data = arange(20).mul(10);
        using var rows = batch.Select(data);
        Assert.Equal(batch.Rows.Select(r => r * 10), rows.data<long>().ToArray());
    }

    [Fact]
    public void APlateOnMetaScalesAndShapesTheSitesInATrace()
    {
        var batch = Batch();
        using var data = empty([20], device: Meta);
        var trace = ((Func<int, Tensor>)(_ =>
        {
            using var plate = batch.Plate("data", device: Meta);
            var z = Sample("z", new Normal(zeros(1, device: Meta), 1.0));
            return Sample("x", new Normal(z, 1.0), obs: batch.Select(data));
        })).GetTrace(0);

        var x = trace["x"];
        Assert.Equal(DeviceType.META, x.Value!.device_type);
        Assert.Equal([6L], x.Value.shape);
        Assert.Equal([6L], trace["z"].Value!.shape);
        Assert.Equal(20.0 / 6, x.Scale, 12);
        Assert.Equal(DeviceType.META, trace.LogProbSum().device_type);
    }
}
