using Ppl;
using Ppl.Distributions;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace MyModels;

public static class TraceLogDensities
{
    // loc is a param; y_i ~ N(loc, 1) observed for 3 units, the second masked out
    public static Tensor Model(Tensor y)
    {
        var loc = Param("loc", () => tensor(0.5f));
        using var units = Plate("units", 3);
        using (new MaskMessenger(tensor(new[] { true, false, true })).Install())
        {
            return Sample("y", new Normal(loc, 1.0), obs: y);
        }
    }

    public static (Trace Params, SiteLogProb Y) Inspect(Tensor y)
    {
        Func<Tensor, Tensor> model = Model;

        // only the param sites, e.g. to see which params a program uses
        var paramTrace = model.GetTrace(y, paramOnly: true);   // Nodes: loc

        // every site, then each sample site's log-density, computed once and kept
        var trace = model.GetTrace(y);
        trace.ComputeLogProb();
        var logY = trace.LogProbOf("y");   // UnscaledLogProb [3], LogProb [3] (entry 1 is 0), LogProbSum []
        return (paramTrace, logY);
    }
}
