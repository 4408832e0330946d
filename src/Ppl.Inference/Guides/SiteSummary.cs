using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>One latent site of a <see cref="GuideSummary"/>: its posterior median and a central interval, per element.</summary>
/// <param name="Name">The site's name.</param>
/// <param name="Median">The guide's posterior median, of the site's shape.</param>
/// <param name="Lower">The lower end of the interval (the quantile at <see cref="GuideSummary.LowerLevel"/>), of the site's shape.</param>
/// <param name="Upper">The upper end of the interval (the quantile at <see cref="GuideSummary.UpperLevel"/>), of the site's shape.</param>
public sealed record SiteSummary(string Name, Tensor Median, Tensor Lower, Tensor Upper)
{
    /// <summary>The site's shape.</summary>
    public long[] Shape => Median.shape;
}
