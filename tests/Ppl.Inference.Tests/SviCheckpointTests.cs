using System.Collections.Concurrent;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Optim;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>
/// A checkpoint switches over as one unit and loads all or nothing: a save that fails part way
/// leaves the previous checkpoint loadable, and a damaged member leaves the parameters, the
/// optimizer and the step count exactly as they were, with the damaged file named.
/// </summary>
[Collection("Sequential")]
public sealed class SviCheckpointTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ppl-checkpoints-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed record Data(Tensor X, Tensor Y);

    private static Data MakeData()
    {
        var gen = new Generator(42, CPU);
        var x = randn([30, 2], generator: gen);
        var y = x.mul(tensor(new[] { 1.0f, -2.0f })).sum(-1).add(randn([30], generator: gen).mul(0.3f));
        return new Data(x, y);
    }

    private static Tensor Model(Data d)
    {
        var w = Sample("w", new Normal(zeros(2), 1.0).ToEvent(1));
        using var data = Plate("data", d.X.shape[0]);
        return Sample("y", new Normal(d.X.mul(w).sum(-1), 0.3), obs: d.Y);
    }

    private static Tensor Guide(Data d)
    {
        var loc = Param("w_loc", () => zeros(2));
        var scale = Param("w_scale", () => full(2, 0.1f), Constraints.Positive);
        return Sample("w", new Normal(loc, scale).ToEvent(1));
    }

    private static Svi<Data> MakeSvi(Optimizer opt) => new(Model, Guide, opt, new TraceElbo(), seed: 3);

    /// <summary>Everything a checkpoint restores: unconstrained values by name, optimizer state bytes, step counts.</summary>
    private sealed record Snapshot(Dictionary<string, float[]> Params, byte[] OptimizerState, long OptimizerSteps, long SviSteps)
    {
        public void AssertEqual(Snapshot other)
        {
            Assert.Equal(Params.Keys.Order(), other.Params.Keys.Order());
            foreach (var (name, values) in Params)
            {
                Assert.Equal(values, other.Params[name]);
            }

            Assert.Equal(OptimizerState, other.OptimizerState);
            Assert.Equal(OptimizerSteps, other.OptimizerSteps);
            Assert.Equal(SviSteps, other.SviSteps);
        }
    }

    private Snapshot Take(Svi<Data> svi)
    {
        string path = Path.Combine(_root, "snapshot-" + Guid.NewGuid().ToString("N") + ".optim");
        svi.Optimizer.Save(path);
        var state = File.ReadAllBytes(path);
        File.Delete(path);
        var values = svi.ParamStore.Names.ToDictionary(n => n, n => svi.ParamStore.GetUnconstrained(n).detach().data<float>().ToArray());
        return new Snapshot(values, state, svi.Optimizer.StepCount, svi.StepCount);
    }

    private static void Damage(string file)
    {
        var bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(file, bytes);
    }

    /// <summary>A fresh SVI trained 5 steps: what a failed load must leave alone.</summary>
    private static Svi<Data> Bystander(Optimizer opt, Data data)
    {
        var svi = MakeSvi(opt);
        svi.Fit(data, 5);
        return svi;
    }

    [Theory]
    [InlineData("optimizer")]
    [InlineData("params")]
    [InlineData("manifest")]
    public void ADamagedMemberLeavesParamsOptimizerAndStepUnchangedAndNamesTheFile(string member)
    {
        var data = MakeData();
        string dir = Path.Combine(_root, "ckpt");
        using (var o = new Adam(0.05))
        {
            var source = MakeSvi(o);
            source.Fit(data, 10);
            source.SaveCheckpoint(dir);
        }

        string file = Assert.Single(Directory.GetFiles(dir, member + "*"));
        Damage(file);

        using var opt = new Adam(0.05);
        var target = Bystander(opt, data);
        var before = Take(target);
        var e = Assert.Throws<InvalidDataException>(() => target.LoadCheckpoint(dir));
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
        before.AssertEqual(Take(target));
    }

    [Fact]
    public void ASaveThatFailsBetweenFilesLeavesThePreviousCheckpointLoadable()
    {
        var data = MakeData();
        string dir = Path.Combine(_root, "ckpt");
        Snapshot atTen;
        var opt = new Adam(0.05);
        var source = MakeSvi(opt);
        source.Fit(data, 10);
        source.SaveCheckpoint(dir);
        atTen = Take(source);
        var filesAtTen = Directory.GetFiles(dir).Order().ToArray();

        source.Fit(data, 10);
        opt.Dispose(); // the parameters save, then the optimizer's state cannot: a crash between files
        Assert.ThrowsAny<Exception>(() => source.SaveCheckpoint(dir));

        Assert.Equal(filesAtTen, Directory.GetFiles(dir).Order().ToArray());
        using var opt2 = new Adam(0.05);
        var resumed = MakeSvi(opt2);
        resumed.LoadCheckpoint(dir);
        atTen.AssertEqual(Take(resumed));
    }

    [Fact]
    public void ACrashJustBeforeTheManifestSwitchLeavesThePreviousCheckpoint()
    {
        var data = MakeData();
        string dir = Path.Combine(_root, "ckpt");
        using var opt = new Adam(0.05);
        var source = MakeSvi(opt);
        source.Fit(data, 10);
        source.SaveCheckpoint(dir);
        var atTen = Take(source);
        var filesAtTen = Directory.GetFiles(dir).Order().ToArray();

        source.Fit(data, 10);
        var replaced = new List<string>();
        Ppl.IO.AtomicFile.BeforeReplaceForTests = target =>
        {
            replaced.Add(Path.GetFileName(target));
            if (Path.GetFileName(target) == "manifest.bin")
            {
                throw new IOException("crash (simulated)");
            }
        };
        try
        {
            Assert.Throws<IOException>(() => source.SaveCheckpoint(dir));
        }
        finally
        {
            Ppl.IO.AtomicFile.BeforeReplaceForTests = null;
        }

        // both data files of the new set were complete; only the switch was missing
        Assert.Equal(3, replaced.Count);
        Assert.Equal(filesAtTen, Directory.GetFiles(dir).Order().ToArray());
        using var opt2 = new Adam(0.05);
        var resumed = MakeSvi(opt2);
        resumed.LoadCheckpoint(dir);
        atTen.AssertEqual(Take(resumed));
    }

    [Fact]
    public void AFileFromAnotherCheckpointIsRejectedAndNothingChanges()
    {
        var data = MakeData();
        string first = Path.Combine(_root, "first"), second = Path.Combine(_root, "second");
        using (var o = new Adam(0.05))
        {
            var source = MakeSvi(o);
            source.Fit(data, 3);
            source.SaveCheckpoint(first);
            source.Fit(data, 3);
            source.SaveCheckpoint(second);
        }

        // a valid parameter file, but not the one the first manifest names
        string target = Assert.Single(Directory.GetFiles(first, "params-*"));
        File.Copy(Assert.Single(Directory.GetFiles(second, "params-*")), target, overwrite: true);

        using var opt = new Adam(0.05);
        var bystander = Bystander(opt, data);
        var before = Take(bystander);
        var e = Assert.Throws<InvalidDataException>(() => bystander.LoadCheckpoint(first));
        Assert.Contains(target, e.Message, StringComparison.Ordinal);
        Assert.Contains("does not belong", e.Message, StringComparison.Ordinal);
        before.AssertEqual(Take(bystander));
    }

    [Fact]
    public void ASuccessfulSaveLeavesExactlyOneConsistentSetOfFiles()
    {
        var data = MakeData();
        string dir = Path.Combine(_root, "ckpt");
        using var opt = new Adam(0.05);
        var svi = MakeSvi(opt);
        for (int i = 0; i < 3; i++)
        {
            svi.Fit(data, 2);
            svi.SaveCheckpoint(dir);
        }

        var names = Directory.GetFiles(dir).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(3, names.Length);
        Assert.Equal("manifest.bin", names[0]);
        Assert.StartsWith("optimizer-", names[1], StringComparison.Ordinal);
        Assert.StartsWith("params-", names[2], StringComparison.Ordinal);

        using var opt2 = new Adam(0.05);
        var resumed = MakeSvi(opt2);
        resumed.LoadCheckpoint(dir);
        Take(svi).AssertEqual(Take(resumed));
    }

    [Fact]
    public void SavesAndLoadsThatSucceedOrFailLeaveNoTensorBehind()
    {
        var data = MakeData();
        string good = Path.Combine(_root, "good"), bad = Path.Combine(_root, "bad");
        using var opt = new Adam(0.05);
        var svi = MakeSvi(opt);
        svi.Fit(data, 3);
        svi.SaveCheckpoint(good);
        svi.SaveCheckpoint(bad);
        Damage(Assert.Single(Directory.GetFiles(bad, "optimizer-*")));
        svi.LoadCheckpoint(good); // warm-up
        using var freshOpt = new Adam(0.05);
        var fresh = MakeSvi(freshOpt);

        // no collection at the end: a tensor left to the finalizer counts as left behind
        long before = LiveTensors.Count();
        for (int i = 0; i < 20; i++)
        {
            svi.LoadCheckpoint(good);
            Assert.Throws<InvalidDataException>(() => svi.LoadCheckpoint(bad));
            Assert.Throws<InvalidDataException>(() => fresh.LoadCheckpoint(bad)); // would have created parameters
            svi.SaveCheckpoint(good);
        }

        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void ADirectoryWithoutACheckpointThrowsFileNotFoundNamingTheManifest()
    {
        string dir = Path.Combine(_root, "empty");
        Directory.CreateDirectory(dir);
        using var opt = new Adam(0.05);
        var svi = MakeSvi(opt);
        var e = Assert.Throws<FileNotFoundException>(() => svi.LoadCheckpoint(dir));
        Assert.Contains(Path.Combine(dir, "manifest.bin"), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACheckpointOfTheFormatBeforeChecksumsIsNamedAsSuch()
    {
        string dir = Path.Combine(_root, "old");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "svi.txt"), "20");
        using var opt = new Adam(0.05);
        var svi = MakeSvi(opt);
        var e = Assert.Throws<FileNotFoundException>(() => svi.LoadCheckpoint(dir));
        Assert.Contains(Path.Combine(dir, "manifest.bin"), e.Message, StringComparison.Ordinal);
        Assert.Contains("format before checksums", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, svi.StepCount);
    }

    [Fact]
    public async Task AConcurrentReaderAlwaysLoadsAConsistentCheckpoint()
    {
        var data = MakeData();
        string dir = Path.Combine(_root, "live");
        var savedAt = new ConcurrentDictionary<long, float[]>();
        using var opt = new Adam(0.05);
        var writer = MakeSvi(opt);
        writer.Fit(data, 1);
        savedAt[writer.StepCount] = writer.ParamStore.GetUnconstrained("w_loc").detach().data<float>().ToArray();
        writer.SaveCheckpoint(dir);

        var saving = Task.Run(() =>
        {
            for (int i = 0; i < 30; i++)
            {
                writer.Fit(data, 1);
                savedAt[writer.StepCount] = writer.ParamStore.GetUnconstrained("w_loc").detach().data<float>().ToArray();
                writer.SaveCheckpoint(dir);
            }
        });

        int loads = 0;
        var problems = new List<string>();
        using var readerOpt = new Adam(0.05);
        var reader = MakeSvi(readerOpt);
        while (!saving.IsCompleted || loads == 0)
        {
            try
            {
                reader.LoadCheckpoint(dir);
                var w = reader.ParamStore.GetUnconstrained("w_loc").detach().data<float>().ToArray();
                if (reader.Optimizer.StepCount != reader.StepCount || !savedAt[reader.StepCount].SequenceEqual(w))
                {
                    problems.Add($"load {loads}: step {reader.StepCount}, optimizer step {reader.Optimizer.StepCount}, w_loc [{string.Join(", ", w)}]");
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
