using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>
/// One entry of the contract-test list: a family built with a non-empty batch shape from
/// parameters created on <c>device</c> with floating dtype <c>dtype</c>.
/// </summary>
/// <param name="Name">Unique display name, e.g. <c>Gamma</c> or <c>MultivariateNormal(scale_tril)</c>.</param>
/// <param name="Make">Builds the distribution; parameters must be created on CPU and moved with <c>.to(device)</c> or created on the device directly.</param>
/// <param name="Discrete">True when draws are integer-valued (draws may then be float or int64).</param>
public sealed record DistributionCase(string Name, Func<Device, ScalarType, Distribution> Make, bool Discrete = false)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
