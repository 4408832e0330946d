using Ppl;
using Ppl.Distributions;
using Ppl.Inference;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace MyModels;

public static class BatchedRegression
{
    // y ~ N(x·w + b, 0.5) for each row of x [N, D]
    public static Tensor Model((Tensor X, Tensor? Y) data)
    {
        var (x, y) = data;
        var w = Sample("w", new Normal(zeros(x.shape[1]), 1.0).ToEvent(1)); // [D]; vectorized: [S, 1, D]
        var b = Sample("b", new Normal(0.0, 1.0));                          // [];  vectorized: [S, 1]
        using var rows = Plate("rows", x.shape[0]);                          // dim -1
        return Sample("y", new Normal(x.BatchedDot(w).add(b), 0.5), obs: y); // [N]; vectorized: [S, N]
    }

    // 1000 prior predictive draws of y for the rows of x in one vectorized pass: [1000, N]
    public static Tensor PriorPredictive(Tensor x) =>
        new Predictive<(Tensor X, Tensor? Y)>(Model, new Dictionary<string, Tensor>(), numSamples: 1000, parallel: true)
            .Sample((x, null), seed: 0)["y"];
}
