using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// Finds a non-finite loss or gradient before an SVI update. The fast path costs one sum per
/// group of same-shaped gradients and one device sync; the exact check, and the names of the
/// offending parameters and sites, are worked out only once the sum is not finite.
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

        if (SumIsFinite(loss, grads))
        {
            return;
        }

        // the exact check: the sum may also overflow with every entry finite (huge gradients)
        double value = loss.to(ScalarType.Float64).cpu().item<double>();
        var parameters = grads.Where(g => !g.Grad.isfinite().all().cpu().item<bool>()).Select(g => g.Name).ToList();
        if (double.IsFinite(value) && parameters.Count == 0)
        {
            return;
        }

        throw new NonFiniteException(step, value, parameters, NonFiniteSites(estimate));
    }

    /// <summary>
    /// Whether the loss plus the sum of every gradient entry is finite: NaN and ±∞ propagate
    /// through a sum, so a finite total means every entry is finite. One reduction per group of
    /// same-shaped gradients (stacked), reading each entry once and allocating no large
    /// temporaries, which an elementwise finiteness test would (and which costs a VAE step
    /// several milliseconds in page faults). Gradients <see cref="CpuFiniteScan"/> can read in place
    /// are scanned there instead.
    /// </summary>
    private static bool SumIsFinite(Tensor loss, IReadOnlyList<(string Name, Tensor Grad)> grads)
    {
        var sums = new List<Tensor>(grads.Count + 1) { loss };
        var rest = new List<(string Name, Tensor Grad)>(grads.Count);
        foreach (var g in grads)
        {
            if (!CpuFiniteScan.Applies(g.Grad))
            {
                rest.Add(g);
            }
            else if (!CpuFiniteScan.AllFinite(g.Grad))
            {
                return false;
            }
        }

        foreach (var group in rest.GroupBy(g => (g.Grad.dtype, g.Grad.device_type, g.Grad.device_index, ShapeUtil.Format(g.Grad.Shape()))))
        {
            var members = group.Select(g => g.Grad).ToArray();
            // summed in the gradients' own dtype (a float64 sum of float32 would copy them first)
            var sum = (members.Length == 1 ? members[0] : stack(members)).sum();
            bool sameKind = sum.dtype == loss.dtype && sum.device_type == loss.device_type && sum.device_index == loss.device_index;
            sums.Add(sameKind ? sum : sum.to(loss.dtype, loss.device));
        }

        return double.IsFinite((sums.Count == 1 ? loss : stack(sums).sum()).ToDouble());
    }

    private static List<string> NonFiniteSites(ElboEstimate estimate)
    {
        var sites = new List<string>();
        foreach (var run in estimate.Runs)
        {
            Collect(run.Model.SampleSites, "model", sites);
            Collect(ElboTerms.GuideSites(run.Guide), "guide", sites);
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
