using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// Finds a non-finite loss or gradient before an SVI update. The fast path costs one reduction
/// per group of same-shaped gradients and one device sync; the names of the offending parameters
/// and sites are worked out only once something is wrong.
/// </summary>
internal static class NonFiniteCheck
{
    /// <summary>Throws when the estimate's loss or any gradient has a NaN or infinite entry.</summary>
    /// <exception cref="NonFiniteException">Something is not finite.</exception>
    public static void ThrowIfAny(long step, ElboEstimate estimate, IReadOnlyList<(string Name, Tensor Grad)> grads)
    {
        var loss = estimate.Loss;
        if (loss.device_type == TorchSharp.DeviceType.META)
        {
            return; // meta tensors hold no values
        }

        if (AllFinite(loss, grads))
        {
            return;
        }

        double value = loss.to(ScalarType.Float64).cpu().item<double>();
        var parameters = grads.Where(g => !g.Grad.isfinite().all().cpu().item<bool>()).Select(g => g.Name).ToList();
        throw new NonFiniteException(step, value, parameters, NonFiniteSites(estimate));
    }

    private static bool AllFinite(Tensor loss, IReadOnlyList<(string Name, Tensor Grad)> grads)
    {
        var flags = new List<Tensor> { loss.isfinite() };
        // same dtype, device and shape stack into one tensor: one check per group, not per parameter
        foreach (var group in grads.GroupBy(g => (g.Grad.dtype, g.Grad.device_type, g.Grad.device_index, ShapeUtil.Format(g.Grad.Shape()))))
        {
            var members = group.Select(g => g.Grad).ToArray();
            var stacked = members.Length == 1 ? members[0] : stack(members);
            var flag = stacked.isfinite().all();
            flags.Add(flag.device_type == loss.device_type && flag.device_index == loss.device_index ? flag : flag.to(loss.device));
        }

        return (flags.Count == 1 ? flags[0] : stack(flags).all()).item<bool>();
    }

    private static List<string> NonFiniteSites(ElboEstimate estimate)
    {
        var sites = new List<string>();
        foreach (var run in estimate.Runs)
        {
            Collect(run.Model.SampleSites, "model", sites);
            Collect(run.Guide.LatentSites, "guide", sites);
        }

        return sites.Distinct(StringComparer.Ordinal).ToList();
    }

    private static void Collect(IEnumerable<Site> sites, string program, List<string> into)
    {
        foreach (var site in sites)
        {
            bool finite;
            try
            {
                finite = site.LogProb().sum().isfinite().cpu().item<bool>();
            }
            catch (ArgumentException)
            {
                finite = false; // validation rejected the value: as good as non-finite here
            }

            if (!finite)
            {
                into.Add($"{program}:{site.Name}");
            }
        }
    }
}
