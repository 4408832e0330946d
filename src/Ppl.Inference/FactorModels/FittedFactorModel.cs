using Ppl.Inference.Guides;
using Ppl.Params;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// A <see cref="FactorModel"/> fitted by SVI: the mean-field Normal guide (<see cref="AutoNormal{TArgs}"/>,
/// one location and scale per unit's Z_i and per cause's latent parameters), the parameter store that
/// holds it and the model's own parameters, and the −ELBO per epoch.
/// </summary>
public sealed class FittedFactorModel : IDisposable
{
    internal FittedFactorModel(FactorModel model, AutoNormal<FactorData> guide, ParamStore store, FactorData data, IReadOnlyList<double> losses)
    {
        Model = model;
        Guide = guide;
        Store = store;
        Data = data;
        Losses = losses;
    }

    /// <summary>The model that was fitted.</summary>
    public FactorModel Model { get; }

    /// <summary>q(θ, Z | A): the fitted guide.</summary>
    public AutoNormal<FactorData> Guide { get; }

    /// <summary>The guide's and the model's parameters.</summary>
    public ParamStore Store { get; }

    /// <summary>The data it was fitted to, all units as one batch.</summary>
    public FactorData Data { get; }

    /// <summary>The −ELBO per unit after each epoch (the mean of its steps' estimates).</summary>
    public IReadOnlyList<double> Losses { get; }

    /// <summary>The guide's median of every latent site on all units (for Normal sites, the mean); Z is [N, 1, K].</summary>
    public IReadOnlyDictionary<string, Tensor> Medians()
    {
        using (Store.Activate())
        {
            return Guide.Median(Data);
        }
    }

    /// <summary>The substitute confounder Ẑ_i, the guide's median of Z_i for every unit, [N, K].</summary>
    public Tensor SubstituteConfounders() => Medians()[FactorModel.LatentSite].squeeze(-2);

    /// <summary>The model's own (non-latent) parameter <paramref name="name"/>, constrained (e.g. PPCA's <c>noise_scale</c>).</summary>
    public Tensor Parameter(string name) => Store[name];

    /// <inheritdoc />
    public void Dispose()
    {
        Guide.Dispose();
        Store.Dispose();
    }
}
