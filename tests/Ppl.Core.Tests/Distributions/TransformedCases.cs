using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

internal static class TransformedCases
{
    public static IEnumerable<DistributionCase> All =>
    [
        new("Transformed(Normal, Exp)", (d, t) => new TransformedDistribution(new Normal(linspace(-1, 1, 6, dtype: t).reshape(2, 3).to(d), ones(2, 3, dtype: t).to(d)), ExpTransform.Instance)),
        new("Transformed(Normal, Sigmoid, Affine)", (d, t) => new TransformedDistribution(new Normal(zeros(2, 3, dtype: t).to(d), ones(2, 3, dtype: t).to(d)), SigmoidTransform.Instance, new AffineTransform(-1.0, 4.0))),
        new("Transformed(Normal, StickBreaking)", (d, t) => new TransformedDistribution(new Normal(zeros(2, 2, 3, dtype: t).to(d), ones(2, 2, 3, dtype: t).to(d)), StickBreakingTransform.Instance)),
    ];
}
