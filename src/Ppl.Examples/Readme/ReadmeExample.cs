// <readme>
using Ppl;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.Readme;

public static class ReadmeExample
{
    // U confounds X and Y: U → X → Y and U → Y.
    public static Tensor Model(long n)
    {
        using var data = Plate("data", n);
        var u = Sample("u", new Normal(zeros(n), 1.0));
        var x = Sample("x", new Normal(u, 1.0));
        return Sample("y", new Normal(x.mul(2).add(u.mul(3)), 1.0));
    }

    // E[Y | do(X = 1)] by simulation: exactly 2 (merely seeing X = 1 would suggest 3.5).
    public static double InterventionalMean(long n = 100_000)
    {
        Func<long, Tensor> model = Model;
        var intervention = new Dictionary<string, Tensor> { ["x"] = ones(n) };
        var trace = model.Do(intervention).Seed(0).GetTrace(n);
        return trace["y"].Value!.mean().item<float>();
    }

    public static void Run() => Console.WriteLine($"E[Y | do(X = 1)] ≈ {InterventionalMean():F3}");
}
// </readme>
