using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Ppl.Distributions;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Ppl.Tests.Params;

/// <summary>
/// A save never destroys the last good file, and a damaged or crafted file never loads: every
/// single-byte corruption, duplicate names and sizes larger than the file are rejected with an
/// <see cref="InvalidDataException"/> naming the path, and the store is left as it was.
/// </summary>
[Collection("Sequential")]
public sealed class ParamStoreFileSafetyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ppl-param-files-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ParamStore StoreWith(double[] w, float s)
    {
        var store = new ParamStore();
        using var scope = NewDisposeScope();
        using (store.Activate())
        {
            Param("w", () => tensor(w, dtype: float64));
            Param("s", () => tensor(s), Constraints.Positive);
        }

        return store;
    }

    private static double[] Values(ParamStore store, string name) =>
        store.GetUnconstrained(name).detach().to(float64).data<double>().ToArray();

    [Fact]
    public void ASaveThatThrowsHalfWayLeavesThePreviousFileLoadableWithTheOldValues()
    {
        string path = Path.Combine(_dir, "params.bin");
        using var store = StoreWith([1.0, 2.0], 0.5f);
        store.Save(path);

        using (no_grad())
        {
            store.GetUnconstrained("w").fill_(9.0);
        }

        // a parameter owned elsewhere and disposed by its owner: the save fails after "w" and "s"
        var doomed = new Parameter(zeros(2, dtype: float64), requires_grad: true);
        using (NewDisposeScope())
        {
            store.Register("net$weight", doomed);
        }

        doomed.Dispose();
        Assert.ThrowsAny<Exception>(() => store.Save(path));

        using var reloaded = new ParamStore();
        reloaded.Load(path);
        Assert.Equal(["w", "s"], reloaded.Names);
        Assert.Equal([1.0, 2.0], Values(reloaded, "w"));
        Assert.Equal([path], Directory.GetFiles(_dir)); // no temporary file left behind
    }

    [Fact]
    public void AConstraintAFileCannotHoldFailsTheSaveAndKeepsThePreviousFile()
    {
        string path = Path.Combine(_dir, "params.bin");
        using var store = StoreWith([1.0, 2.0], 0.5f);
        store.Save(path);
        var before = File.ReadAllBytes(path);

        // a bound given as a tensor: its text form is "greater_than(tensor[2])", which cannot be read back
        using var bound = tensor(new[] { 1.0, 2.0 }, dtype: float64);
        using (store.Activate())
        {
            Param("t", () => tensor(new[] { 3.0, 4.0 }, dtype: float64), Constraints.GreaterThan(bound));
        }

        var e = Assert.Throws<NotSupportedException>(() => store.Save(path));
        Assert.Contains("'t'", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void EverySingleByteCorruptionIsRejectedAndLeavesTheStoreUnchanged()
    {
        string path = Path.Combine(_dir, "good.bin");
        string damaged = Path.Combine(_dir, "damaged.bin");
        using (var source = StoreWith([1.0, -2.0, 3.5], 0.25f))
        {
            source.Save(path);
        }

        using var target = StoreWith([7.0, 7.0, 7.0], 7f);
        var failures = SingleByteCorruptions.Failures(File.ReadAllBytes(path), damaged, f => target.Load(f));
        Assert.Empty(failures);
        Assert.Equal([7.0, 7.0, 7.0], Values(target, "w"));
        Assert.Equal(Math.Log(7.0), Values(target, "s")[0], 6);
    }

    [Fact]
    public void AFileNamingAParameterTwiceIsRejected()
    {
        string path = Path.Combine(_dir, "twice.bin");
        File.WriteAllBytes(path, PplFileBuilder.ParamFile(2, w =>
        {
            PplFileBuilder.Parameter(w, "w", "real", 0, [1.0, 2.0, 3.0]);
            PplFileBuilder.Parameter(w, "w", "real", 0, [4.0, 5.0, 6.0]);
        }));

        using var target = StoreWith([7.0, 7.0, 7.0], 7f);
        var e = Assert.Throws<InvalidDataException>(() => target.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("'w'", e.Message, StringComparison.Ordinal);
        Assert.Contains("twice", e.Message, StringComparison.Ordinal);
        Assert.Equal([7.0, 7.0, 7.0], Values(target, "w"));
    }

    [Theory]
    [InlineData(new[] { 134_217_728L }, 1L << 30)] // 1 GiB of float64, declared consistently
    [InlineData(new[] { 402_653_184L }, 3L << 30)] // 3 GiB: more than an int can count
    [InlineData(new[] { 1L }, long.MaxValue)] // a length that disagrees with the shape
    [InlineData(new[] { long.MaxValue }, long.MaxValue)] // elements × 8 overflows
    [InlineData(new[] { 1L << 40, 1L << 40 }, 8L)] // the element count overflows
    [InlineData(new[] { 0L, long.MaxValue, 4L }, 0L)] // empty, but its strides would overflow
    public void DeclaredSizesBeyondTheFileAreRejectedQuicklyWithoutAllocating(long[] shape, long declaredBytes)
    {
        string path = Path.Combine(_dir, "huge.bin");
        File.WriteAllBytes(path, PplFileBuilder.ParamFile(1, w =>
        {
            w.Write("w");
            w.Write("real");
            w.Write(0);
            PplFileBuilder.Tensor(w, ScalarType.Float64, shape, declaredBytes, [1, 2, 3, 4, 5, 6, 7, 8]);
        }));
        Assert.True(new FileInfo(path).Length < 100);

        using var target = new ParamStore();
        var clock = Stopwatch.StartNew();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => target.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("'w'", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < (1 << 20), $"Load allocated {allocated} bytes for a {new FileInfo(path).Length}-byte file");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Load took {clock.Elapsed}");
        Assert.Equal(0, target.Count);
    }

    [Fact]
    public void AFileOfTheOldFormatWithoutAChecksumIsRejectedWithAClearMessage()
    {
        // version 1: magic · version · count · records · "END", no checksum
        string path = Path.Combine(_dir, "v1.bin");
        using (var stream = File.Create(path))
        using (var w = new BinaryWriter(stream, Encoding.UTF8))
        {
            w.Write(Encoding.ASCII.GetBytes("PPLPARAM"));
            w.Write(1);
            w.Write(1);
            PplFileBuilder.Parameter(w, "w", "real", 0, [1.0, 2.0]);
            w.Write("END");
        }

        using var target = new ParamStore();
        var e = Assert.Throws<InvalidDataException>(() => target.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("version 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("checksum", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, target.Count);
    }

    [Fact]
    public void TheSavedFileIsExactlyTheDocumentedLayout()
    {
        string path = Path.Combine(_dir, "layout.bin");
        using var store = StoreWith([1.0, -2.0], 0.5f);
        store.Save(path);

        var s = new byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(s, store.GetUnconstrained("s").data<float>()[0]);
        var expected = PplFileBuilder.ParamFile(2, w =>
        {
            PplFileBuilder.Parameter(w, "w", "real", 0, [1.0, -2.0]);
            w.Write("s");
            w.Write("greater_than(0)");
            w.Write(0);
            PplFileBuilder.Tensor(w, ScalarType.Float32, [], 4, s);
        });
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task AConcurrentReaderNeverSeesAPartialFile()
    {
        string path = Path.Combine(_dir, "shared.bin");
        const int Size = 100_000; // 800 kB: a save takes long enough for a reader to land inside it
        using (var first = new ParamStore())
        {
            using (first.Activate())
            {
                Param("w", () => full(Size, 1.0, dtype: float64));
            }

            first.Save(path);
        }

        // No handler is installed here: the writer task's Param goes to its own store only.
#pragma warning disable PPL0004 // the point of the test: a writer running while the reader loads
        var saving = Task.Run(() =>
#pragma warning restore PPL0004
        {
            using var writer = new ParamStore();
            using (writer.Activate())
            {
                Param("w", () => full(Size, 1.0, dtype: float64));
            }

            for (int i = 0; i < 40; i++)
            {
                using (no_grad())
                {
                    writer.GetUnconstrained("w").fill_(i % 2 == 0 ? 2.0 : 1.0);
                }

                writer.Save(path);
            }
        });

        int loads = 0;
        var problems = new List<string>();
        using var reader = new ParamStore();
        while (!saving.IsCompleted || loads == 0)
        {
            using var scope = NewDisposeScope();
            try
            {
                reader.Load(path);
                var w = reader.GetUnconstrained("w");
                double min = w.min().item<double>(), max = w.max().item<double>();
                if (min != max || (min != 1.0 && min != 2.0))
                {
                    problems.Add($"load {loads}: values in [{min}, {max}]");
                }
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                problems.Add($"load {loads}: {e.GetType().Name}: {e.Message}");
            }

            loads++;
        }

        await saving;
        Assert.Empty(problems);
        Assert.True(loads > 1, $"only {loads} loads overlapped the saves");
    }
}
