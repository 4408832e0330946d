namespace Ppl.Examples.Pictures;

/// <summary>
/// One named curve of a <see cref="LossCurve"/>: points (x, y), e.g. the training −ELBO per epoch.
/// </summary>
/// <param name="Name">The legend's text for the curve.</param>
/// <param name="X">The points' x values (e.g. epochs).</param>
/// <param name="Y">The points' y values (e.g. −ELBO per image), as many as <paramref name="X"/>.</param>
public sealed record LossSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    /// <summary>A curve of one value per epoch: <paramref name="values"/>[k] is plotted at epoch k + 1.</summary>
    public static LossSeries PerEpoch(string name, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new LossSeries(name, [.. Enumerable.Range(1, values.Count).Select(e => (double)e)], values);
    }
}
