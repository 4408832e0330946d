namespace Ppl.Examples.BnnRegression;

/// <summary>What <see cref="BandPlot"/> draws.</summary>
internal sealed record BandPlotData(
    string Title,
    double[] X,
    double[] Y,
    double[] Grid,
    double[] Truth,
    double[] Mean,
    double[] Lower,
    double[] Upper,
    (double Low, double High) YLimits);
