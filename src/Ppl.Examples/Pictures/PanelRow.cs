using ScottPlot;
using SkiaSharp;

namespace Ppl.Examples.Pictures;

/// <summary>Writes several plots side by side, left to right, as one PNG.</summary>
public static class PanelRow
{
    /// <summary>Writes <paramref name="panels"/> to <paramref name="path"/>, each <paramref name="panelWidth"/> × <paramref name="height"/> pixels.</summary>
    /// <param name="path">The PNG file to write (its folder is created).</param>
    /// <param name="panels">The plots, left to right.</param>
    /// <param name="panelWidth">Each panel's width in pixels.</param>
    /// <param name="height">The picture's height in pixels.</param>
    public static void WritePng(string path, IReadOnlyList<Plot> panels, int panelWidth, int height)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(panels);
        using var surface = SKSurface.Create(new SKImageInfo(panelWidth * panels.Count, height));
        surface.Canvas.Clear(SKColors.White);
        for (int i = 0; i < panels.Count; i++)
        {
            // each panel on a surface of its own: a plot's render clears the whole canvas it is given
            using var panel = SKSurface.Create(new SKImageInfo(panelWidth, height));
            panels[i].Render(panel.Canvas, panelWidth, height);
            using var snapshot = panel.Snapshot();
            surface.Canvas.DrawImage(snapshot, i * panelWidth, 0);
        }

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var file = File.Create(path);
        png.SaveTo(file);
    }
}
