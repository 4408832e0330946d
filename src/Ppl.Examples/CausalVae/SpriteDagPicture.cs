using ScottPlot;

namespace Ppl.Examples.CausalVae;

/// <summary>Draws the causal VAE's DAG (the factors' mechanisms and the image's) as a PNG.</summary>
internal static class SpriteDagPicture
{
    private static readonly (string Name, double X, double Y)[] Nodes =
    [
        ("shape", 0, 3), ("scale", -1.4, 2), ("orientation", 1.4, 2), ("posY", -1.4, 1), ("posX", 1.4, 1), ("z (style)", 2.6, 0.3), ("image", 0, 0),
    ];

    private static readonly (string From, string To)[] Edges =
    [
        ("shape", "scale"), ("shape", "orientation"), ("scale", "posY"), ("orientation", "posX"),
        ("shape", "image"), ("scale", "image"), ("orientation", "image"), ("posX", "image"), ("posY", "image"), ("z (style)", "image"),
    ];

    /// <summary>Writes the DAG to <paramref name="path"/>.</summary>
    public static void WritePng(string path)
    {
        var plot = new Plot();
        var at = Nodes.ToDictionary(n => n.Name, n => new Coordinates(n.X, n.Y));
        foreach (var (from, to) in Edges)
        {
            // stop short of the nodes so the arrowheads stay visible outside the labels
            var a = at[from];
            var b = at[to];
            double dx = b.X - a.X, dy = b.Y - a.Y, length = Math.Sqrt((dx * dx) + (dy * dy));
            double gap = 0.28 / length;
            var arrow = plot.Add.Arrow(new Coordinates(a.X + (dx * gap), a.Y + (dy * gap)), new Coordinates(b.X - (dx * gap), b.Y - (dy * gap)));
            arrow.ArrowLineWidth = 0;
            arrow.ArrowWidth = 2;
            arrow.ArrowheadWidth = 12;
            arrow.ArrowheadLength = 14;
            arrow.ArrowFillColor = from == "z (style)" ? Colors.Gray : Colors.Black;
        }

        foreach (var (name, x, y) in Nodes)
        {
            var text = plot.Add.Text(name, x, y);
            text.LabelFontSize = 20;
            text.LabelAlignment = Alignment.MiddleCenter;
            text.LabelBackgroundColor = name == "z (style)" ? Colors.LightGray : Colors.White;
            text.LabelBorderColor = Colors.Black;
            text.LabelBorderWidth = 1.5f;
            text.LabelPadding = 8;
        }

        plot.Axes.SetLimits(-2.3, 3.4, -0.5, 3.5);
        plot.Axes.Frameless();
        plot.HideGrid();
        plot.Title("Causal VAE: the SCM over the factors, the decoder as the image's mechanism");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 560);
    }
}
