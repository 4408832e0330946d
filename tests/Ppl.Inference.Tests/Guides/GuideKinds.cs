using Ppl.Inference.Guides;

namespace Ppl.Tests.Inference.Guides;

/// <summary>Autoguides by name, for theories over guide kinds.</summary>
internal static class GuideKinds
{
    public static AutoGuide<T> Make<T>(string kind, Func<T, object?> model) => kind switch
    {
        "AutoNormal" => new AutoNormal<T>(model),
        "AutoDiagonalNormal" => new AutoDiagonalNormal<T>(model),
        "AutoMultivariateNormal" => new AutoMultivariateNormal<T>(model),
        "AutoLowRankMultivariateNormal" => new AutoLowRankMultivariateNormal<T>(model, rank: 1),
        "AutoLowRankMultivariateNormal2" => new AutoLowRankMultivariateNormal<T>(model, rank: 2),
        "AutoDelta" => new AutoDelta<T>(model),
        _ => throw new ArgumentException(kind, nameof(kind)),
    };
}
