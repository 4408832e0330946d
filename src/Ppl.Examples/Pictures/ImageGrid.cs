using SkiaSharp;
using static TorchSharp.torch;

namespace Ppl.Examples.Pictures;

/// <summary>
/// Writes a batch of grayscale images as one PNG grid (reconstructions, samples, latent
/// traversals): tiles left to right, top to bottom, each pixel enlarged to a square of
/// <c>scale</c> × <c>scale</c>, separated and framed by mid-gray lines so black and white images
/// both show their edges. Shared by the deep examples.
/// </summary>
public static class ImageGrid
{
    /// <summary>The gray of the lines between tiles and of empty tiles.</summary>
    public const byte Background = 128;

    /// <summary>
    /// Writes <paramref name="images"/> (shape [n, height, width], float in [0, 1] with 0 black, or
    /// uint8) to <paramref name="path"/> as a PNG with <paramref name="columns"/> tiles a row.
    /// </summary>
    /// <exception cref="ArgumentException">The shape is not [n, height, width] with n ≥ 1, a float value is outside [0, 1] or not finite, or a size is not positive.</exception>
    public static void WritePng(string path, Tensor images, int columns, int scale = 2, int padding = 1)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if (images.dim() != 3 || images.shape[0] < 1)
        {
            throw new ArgumentException($"ImageGrid.WritePng: images must have shape [n, height, width] with n ≥ 1; got {Ppl.Distributions.ShapeUtil.Format(images.shape)}. Reshape flat rows first, e.g. images.reshape(-1, 28, 28).", nameof(images));
        }

        byte[] pixels = ToBytes(images);
        int n = (int)images.shape[0], h = (int)images.shape[1], w = (int)images.shape[2];
        int rows = (n + columns - 1) / columns;
        int width = padding + (columns * ((w * scale) + padding));
        int height = padding + (rows * ((h * scale) + padding));
        var canvas = new byte[width * height];
        Array.Fill(canvas, Background);
        for (int k = 0; k < n; k++)
        {
            int left = padding + ((k % columns) * ((w * scale) + padding));
            int top = padding + ((k / columns) * ((h * scale) + padding));
            for (int y = 0; y < h * scale; y++)
            {
                for (int x = 0; x < w * scale; x++)
                {
                    canvas[((top + y) * width) + left + x] = pixels[(k * h * w) + ((y / scale) * w) + (x / scale)];
                }
            }
        }

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(canvas, 0, bitmap.GetPixels(), canvas.Length);
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var file = File.Create(path);
        png.SaveTo(file);
    }

    private static byte[] ToBytes(Tensor images)
    {
        using var scope = NewDisposeScope();
        var cpu = images.detach().cpu();
        if (cpu.dtype == ScalarType.Byte)
        {
            return cpu.contiguous().data<byte>().ToArray();
        }

        if (!cpu.is_floating_point())
        {
            throw new ArgumentException($"ImageGrid.WritePng: images must be float in [0, 1] or uint8; got {cpu.dtype}.", nameof(images));
        }

        var values = cpu.to(ScalarType.Float64).contiguous().data<double>().ToArray();
        var bytes = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!(v >= 0 && v <= 1))
            {
                // an image model's output outside [0, 1] is a bug to see, not to clamp away
                throw new ArgumentException($"ImageGrid.WritePng: pixel {i} is {v}; float images must lie in [0, 1] (apply a sigmoid, or rescale, before writing).", nameof(images));
            }

            bytes[i] = (byte)Math.Round(v * 255);
        }

        return bytes;
    }
}
