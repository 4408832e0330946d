using Ppl.Causal.IndependentMechanisms;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples.CompetingExpertsMnist;

/// <summary>
/// How the experts divide the mechanisms on held-out digits, and what a classifier makes of the
/// routed outputs.
/// </summary>
/// <param name="Shares">Shares[e, m]: the fraction of mechanism m's examples that expert e wins.</param>
/// <param name="RoutedAccuracy">The classifier's accuracy on the winning experts' outputs.</param>
/// <param name="TransformedAccuracy">Its accuracy on the transformed inputs.</param>
/// <param name="OriginalAccuracy">Its accuracy on the original (canonical) digits.</param>
/// <param name="RoutedByMechanism">Its accuracy on the routed outputs of each mechanism's digits.</param>
internal sealed record Specialization(double[,] Shares, double RoutedAccuracy, double TransformedAccuracy, double OriginalAccuracy, IReadOnlyList<double> RoutedByMechanism)
{
    /// <summary>Each mechanism's expert: the one that wins most of its examples.</summary>
    public IReadOnlyList<int> ExpertOf => Enumerable.Range(0, Shares.GetLength(1))
        .Select(m => Enumerable.Range(0, Shares.GetLength(0)).MaxBy(e => Shares[e, m])).ToList();

    /// <summary>Whether every mechanism has its own expert (no expert is the majority winner of two).</summary>
    public bool OneToOne => ExpertOf.Distinct().Count() == ExpertOf.Count;

    /// <summary>The smallest share a mechanism's expert wins of its examples.</summary>
    public double WeakestShare => Enumerable.Range(0, Shares.GetLength(1)).Min(m => Shares[ExpertOf[m], m]);

    /// <summary>Routes <paramref name="digits"/>' transformed images through the experts and measures.</summary>
    public static Specialization Measure(IReadOnlyList<nn.Module<Tensor, Tensor>> experts, nn.Module<Tensor, Tensor> discriminator, DigitClassifier classifier, TransformedDigits digits, int mechanisms)
    {
        using var scope = NewDisposeScope();
        var routing = CompetingExperts.Route(experts, discriminator, digits.Transformed);
        var winners = routing.Winners.cpu().data<long>().ToArray();
        var which = digits.Mechanisms.cpu().data<long>().ToArray();
        var shares = new double[experts.Count, mechanisms];
        var totals = new int[mechanisms];
        for (int i = 0; i < winners.Length; i++)
        {
            shares[winners[i], which[i]]++;
            totals[which[i]]++;
        }

        for (int m = 0; m < mechanisms; m++)
        {
            for (int e = 0; e < experts.Count; e++)
            {
                shares[e, m] /= Math.Max(1, totals[m]);
            }
        }

        var routedCorrect = ClassifierTraining.Correct(classifier, routing.Outputs, digits.Digits).cpu().data<bool>().ToArray();
        var byMechanism = Enumerable.Range(0, mechanisms).Select(m => Enumerable.Range(0, which.Length).Where(i => which[i] == m).Select(i => routedCorrect[i] ? 1.0 : 0.0).DefaultIfEmpty(double.NaN).Average()).ToList();
        return new Specialization(
            shares,
            routedCorrect.Average(c => c ? 1.0 : 0.0),
            ClassifierTraining.Accuracy(classifier, digits.Transformed, digits.Digits),
            ClassifierTraining.Accuracy(classifier, digits.Canonical, digits.Digits),
            byMechanism);
    }
}
