using System.Globalization;
using static TorchSharp.torch;

namespace Ppl.Examples.FilmDeconfounder;

/// <summary>The deconfounder example's tables.</summary>
internal static class DeconfounderReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Writes one analysis's tables and returns its numbers by name.</summary>
    public static Dictionary<string, double> Write(TextWriter output, FilmData data, DeconfounderFindings f, string prefix)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        output.WriteLine("Factor models of the casting (fitted to 80% of the films; scored on the other 20%, nats per film;");
        output.WriteLine("the held-out log-likelihood chooses, the ELBO is below it by the encoder's gap):");
        output.WriteLine($"  {"model",-28} {"held-out log p",15} {"held-out ELBO",14} {"train −ELBO",12}");
        foreach (var s in f.Scores.Scores)
        {
            output.WriteLine($"  {s.Name,-28} {F(s.HeldOutLogLikelihood, 2),15} {F(s.HeldOutElbo, 2),14} {F(s.TrainingLoss, 2),12}{(s == f.Scores.Best ? "   ← chosen" : string.Empty)}");
            values[$"{prefix}log p {s.Name}"] = s.HeldOutLogLikelihood;
            values[$"{prefix}elbo {s.Name}"] = s.HeldOutElbo;
        }

        output.WriteLine($"  by held-out ELBO the choice would be {f.Scores.BestByElbo.Name}{(f.Scores.BestByElbo == f.Scores.Best ? ", the same" : string.Empty)}");

        output.WriteLine();
        output.WriteLine("Held-out predictive check (20% of the casting entries masked, replicated with Predictive):");
        output.WriteLine($"  {"model",-28} {"χ²(9)",8} {"p (uniform)",12} {"Wang–Blei mean",15}  verdict at 0.05");
        foreach (var (name, check) in new[] { (f.Chosen, f.Check), ("LogisticFactorModel K=0", f.IndependentCheck) })
        {
            output.WriteLine($"  {name,-28} {F(check.ChiSquare, 1),8} {F(check.PValue, 3),12} {F(check.UnitAveragePValue, 3),15}  {(check.Passes() ? "passes" : "fails")}");
        }

        values[prefix + "check p chosen"] = f.Check.PValue;
        values[prefix + "check p K=0"] = f.IndependentCheck.PValue;
        values[prefix + "wang-blei p chosen"] = f.Check.UnitAveragePValue;
        values[prefix + "wang-blei p K=0"] = f.IndependentCheck.UnitAveragePValue;

        double gap = f.AdjustedEffects.Zip(f.InterventionalEffects, (x, y) => Math.Abs(x - y)).Max();
        output.WriteLine();
        output.WriteLine($"Effects two ways, {f.Compared.Count} actors: adjustment formula on the outcome model vs do(A_j = 1) − do(A_j = 0) on the program:");
        output.WriteLine($"  largest |difference| {gap.ToString("E2", Invariant)} (must be below 1e-3)");
        values[prefix + "two-ways max diff"] = gap;

        if (data.Truth is { } truth)
        {
            output.WriteLine();
            output.WriteLine($"Accuracy against the simulation's effects (RMSE over all {truth.Effects.shape[0]} actors):");
            double naive = EffectEstimates.Rmse(f.Estimates.NaiveSingle, truth.Effects);
            double oracle = EffectEstimates.Rmse(f.Estimates.OracleSingle!, truth.Effects);
            output.WriteLine($"  {"estimator",-34} {"RMSE",7} {"÷ naive",8} {"÷ oracle",9}");
            foreach (var (name, effects) in f.Estimates.All)
            {
                double rmse = EffectEstimates.Rmse(effects!, truth.Effects);
                output.WriteLine($"  {name,-34} {F(rmse, 3),7} {F(rmse / naive, 2),8} {F(rmse / oracle, 2),9}");
                values[$"{prefix}rmse {name}"] = rmse;
            }

            int bond = truth.PlantedActor;
            output.WriteLine();
            output.WriteLine($"The planted actor \"{data.Actors[bond]}\" (true effect 0): naive {F(f.Estimates.NaiveSingle[bond].item<double>(), 3)}; "
                + $"the deconfounder's outcome model {F(f.Estimates.DeconfoundedMulti[bond].item<double>(), 3)} (single-cause with Ẑ {F(f.Estimates.DeconfoundedSingle[bond].item<double>(), 3)}, with the true Z {F(f.Estimates.OracleSingle![bond].item<double>(), 3)})");
            values[prefix + "bond naive"] = f.Estimates.NaiveSingle[bond].item<double>();
            values[prefix + "bond deconfounded single"] = f.Estimates.DeconfoundedSingle[bond].item<double>();
            values[prefix + "bond deconfounded multi"] = f.Estimates.DeconfoundedMulti[bond].item<double>();
            values[prefix + "bond oracle single"] = f.Estimates.OracleSingle![bond].item<double>();
        }

        output.WriteLine();
        output.WriteLine("Actors ranked by the naive contrast E[Y | A_j = 1] − E[Y | A_j = 0] (top 10):");
        output.WriteLine($"  {"rank",4} {"actor",-10} {"naive",7} {"deconf.",8} {"true",7}");
        var order = f.Estimates.NaiveSingle.argsort(descending: true).data<long>().Take(10).ToArray();
        for (int r = 0; r < order.Length; r++)
        {
            long j = order[r];
            string truthText = data.Truth is null ? "?" : F(data.Truth.Effects[j].item<double>(), 3);
            output.WriteLine($"  {r + 1,4} {data.Actors[(int)j],-10} {F(f.Estimates.NaiveSingle[j].item<double>(), 3),7} {F(f.Estimates.DeconfoundedSingle[j].item<double>(), 3),8} {truthText,7}");
        }

        values[prefix + "bond naive rank"] = data.Truth is null ? double.NaN : Array.IndexOf(order, (long)data.Truth.PlantedActor) + 1;

        var c = f.Counterfactual;
        output.WriteLine();
        output.WriteLine($"Twin-world counterfactual: film {c.Film} cast {data.Actors[c.Dropped]}; had it cast {data.Actors[c.Instead]} instead it would have made {F(c.Answer, 3)} more "
            + $"(β̂ difference {F(c.CoefficientDifference, 3)}: the linear outcome's noise is shared between the worlds).");
        values[prefix + "counterfactual"] = c.Answer;
        values[prefix + "counterfactual coefficient difference"] = c.CoefficientDifference;
        return values;
    }

    private static string F(double value, int digits) => value.ToString("F" + digits.ToString(Invariant), Invariant);
}
