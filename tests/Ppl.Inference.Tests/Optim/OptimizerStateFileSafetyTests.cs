using System.Diagnostics;
using Ppl.Inference.Optim;
using static Ppl.Tests.Inference.Optim.OptimTestUtil;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Optim;

/// <summary>
/// A damaged or crafted optimizer state file never loads: every single-byte corruption, duplicate
/// names and keys, and sizes larger than the file are rejected with an
/// <see cref="InvalidDataException"/> naming the path, and the optimizer keeps its state.
/// </summary>
[Collection("Sequential")]
public sealed class OptimizerStateFileSafetyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ppl-optim-files-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An Adam optimizer after <paramref name="steps"/> steps of the two-parameter problem.</summary>
    private static Adam Trained(int steps, double start)
    {
        using var scope = NewDisposeScope();
        var adam = new Adam(lr: 0.05);
        var w = NewParameter([start, 0.7, -1.2]);
        var b = NewParameter([1.5, -0.5]);
        for (int i = 0; i < steps; i++)
        {
            TrainStep(adam, w, b);
        }

        return adam;
    }

    /// <summary>The optimizer's whole state, as the bytes it saves.</summary>
    private byte[] StateBytes(Optimizer optimizer)
    {
        string path = Path.Combine(_dir, "snapshot-" + Guid.NewGuid().ToString("N") + ".optim");
        optimizer.Save(path);
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }

    [Fact]
    public void EverySingleByteCorruptionIsRejectedAndLeavesTheOptimizerUnchanged()
    {
        string path = Path.Combine(_dir, "good.optim");
        string damaged = Path.Combine(_dir, "damaged.optim");
        using (var source = Trained(2, 0.3))
        {
            source.Save(path);
        }

        using var target = Trained(3, -0.4);
        var before = StateBytes(target);
        // after a corruption that loaded, go on from a known state; the comparison below then fails anyway
        var failures = SingleByteCorruptions.Failures(File.ReadAllBytes(path), damaged, f => target.Load(f), () => target.Load(path));
        Assert.Empty(failures);
        Assert.Equal(3, target.StepCount);
        Assert.Equal(before, StateBytes(target));
    }

    [Fact]
    public void ASaveThatRunsOutOfDiskPartWayLeavesThePreviousFileLoadable()
    {
        string path = Path.Combine(_dir, "adam.optim");
        using var adam = Trained(2, 0.3);
        adam.Save(path);
        var saved = File.ReadAllBytes(path);

        using var later = Trained(5, 0.3);
        Ppl.IO.AtomicFile.WrapContentStreamForTests = s => new FullDiskStream(s, capacity: saved.Length / 2);
        try
        {
            Assert.Throws<IOException>(() => later.Save(path));
        }
        finally
        {
            Ppl.IO.AtomicFile.WrapContentStreamForTests = null;
        }

        Assert.Equal(saved, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
        using var resumed = new Adam(lr: 0.05);
        resumed.Load(path);
        Assert.Equal(2, resumed.StepCount);
        Assert.Equal(saved, StateBytes(resumed));
    }

    [Fact]
    public void AFileNamingAParameterTwiceIsRejected()
    {
        string path = Path.Combine(_dir, "twice.optim");
        File.WriteAllBytes(path, PplFileBuilder.OptimizerFile("Sgd", 1, 2, w =>
        {
            foreach (double v in (double[])[1.0, 2.0])
            {
                w.Write("w");
                w.Write(1L);
                w.Write(1);
                w.Write("momentum_buffer");
                PplFileBuilder.Float64Tensor(w, [v, v]);
            }
        }));

        using var sgd = new Sgd(lr: 0.1, momentum: 0.9);
        var e = Assert.Throws<InvalidDataException>(() => sgd.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("'w'", e.Message, StringComparison.Ordinal);
        Assert.Contains("twice", e.Message, StringComparison.Ordinal);
        Assert.Empty(sgd.StateNames);
        Assert.Equal(0, sgd.StepCount);
    }

    [Fact]
    public void AFileNamingAStateKeyTwiceIsRejected()
    {
        string path = Path.Combine(_dir, "key-twice.optim");
        File.WriteAllBytes(path, PplFileBuilder.OptimizerFile("Adam", 1, 1, w =>
        {
            w.Write("w");
            w.Write(1L);
            w.Write(2);
            w.Write("exp_avg");
            PplFileBuilder.Float64Tensor(w, [1.0, 2.0]);
            w.Write("exp_avg");
            PplFileBuilder.Float64Tensor(w, [3.0, 4.0]);
        }));

        using var adam = new Adam();
        var e = Assert.Throws<InvalidDataException>(() => adam.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("'exp_avg'", e.Message, StringComparison.Ordinal);
        Assert.Contains("twice", e.Message, StringComparison.Ordinal);
        Assert.Empty(adam.StateNames);
    }

    [Theory]
    [InlineData(1L << 30)]
    [InlineData(3L << 30)]
    [InlineData(long.MaxValue)]
    public void DeclaredSizesBeyondTheFileAreRejectedQuicklyWithoutAllocating(long declaredBytes)
    {
        string path = Path.Combine(_dir, "huge.optim");
        long elements = declaredBytes == long.MaxValue ? long.MaxValue : declaredBytes / 8;
        File.WriteAllBytes(path, PplFileBuilder.OptimizerFile("Adam", 1, 1, w =>
        {
            w.Write("w");
            w.Write(1L);
            w.Write(1);
            w.Write("exp_avg");
            PplFileBuilder.Tensor(w, ScalarType.Float64, [elements], declaredBytes, [1, 2, 3, 4, 5, 6, 7, 8]);
        }));

        using var adam = new Adam();
        var clock = Stopwatch.StartNew();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => adam.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("'w'", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < (1 << 20), $"Load allocated {allocated} bytes for a {new FileInfo(path).Length}-byte file");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Load took {clock.Elapsed}");
        Assert.Empty(adam.StateNames);
    }
}
