using Ppl.Distributions;
using Ppl.Inference;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace MyModels;

public static class PredictiveShapes
{
    // mu ~ N(0, 1) outside the plate; y_i ~ N(mu, 1) for 3 units
    public static Tensor Model(Tensor? y)
    {
        var mu = Sample("mu", new Normal(0.0, 1.0));
        using var units = Plate("units", 3);
        return Sample("y", new Normal(mu, 1.0), obs: y);
    }

    // q(mu) = N(2, 0.5): a guide whose parameters were, say, fitted by SVI
    public static Tensor Guide(Tensor? y) => Sample("mu", new Normal(2.0, 0.5));

    public static (Tensor Mu, Tensor Y, Tensor Residual, Tensor YAgain) Draw()
    {
        // 500 draws of every model site, the guide's latents included: mu [500, 1], y [500, 3]
        var draws = new Predictive<Tensor?>(Model, Guide, numSamples: 500, parallel: true).Sample(null, seed: 0);
        var residual = draws["y"] - draws["mu"]; // [500, 3]: the sites broadcast as they do in the model

        // the output is valid posterior-sample input: y again, at the same 500 values of mu
        var yAgain = new Predictive<Tensor?>(Model, new Dictionary<string, Tensor> { ["mu"] = draws["mu"] }).Sample(null, seed: 1)["y"];
        return (draws["mu"], draws["y"], residual, yAgain);
    }
}
