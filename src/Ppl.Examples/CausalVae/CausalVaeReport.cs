using System.Globalization;
using Spectre.Console;

namespace Ppl.Examples.CausalVae;

/// <summary>The causal VAE's acceptance table: each measurement next to issue #20's target for the run.</summary>
internal static class CausalVaeReport
{
    public static void WriteAcceptance(IAnsiConsole console, CausalVaeScores s, double testLoss, CausalVaeSettings settings)
    {
        var f = CultureInfo.InvariantCulture;
        double cfTarget = settings.Full ? CausalVaeExample.FullCounterfactualTarget : CausalVaeExample.CounterfactualTarget;
        var table = new Table().Title(string.Create(f, $"Held-out units: {s.Units:N0} ({settings.Kind} run); IoU of the decoded mean (> 0.5) with the generator's image"))
            .AddColumn("measure").AddColumn(new TableColumn("measured").RightAligned()).AddColumn(new TableColumn("target").RightAligned()).AddColumn("met");
        void Row(string name, double value, string target, bool? met) =>
            table.AddRow(new Text(name), new Text(value.ToString("F3", f)), new Text(target), new Text(met is null ? "" : met.Value ? "yes" : "NO"));
        bool judged = !settings.Smoke;
        Row("reconstruction (z = encoder mean)", s.Reconstruction, judged ? "≥ 0.78" : "", judged ? s.Reconstruction >= CausalVaeExample.ReconstructionTarget : null);
        Row("labels-only decode (z = 0)", s.LabelsOnly, judged ? "≥ 0.75" : "", judged ? s.LabelsOnly >= CausalVaeExample.LabelsOnlyTarget : null);
        Row("counterfactual do(shape = s′)", s.Counterfactual, judged ? $"≥ {cfTarget.ToString("F2", f)}" : "", judged ? s.Counterfactual >= cfTarget : null);
        Row("shape-only edit (children factual)", s.ShapeOnlyEdit, judged ? "≤ counterfactual − 0.3" : "", judged ? s.Counterfactual - s.ShapeOnlyEdit >= CausalVaeExample.EditMargin : null);
        Row("interventional sample (fresh noise)", s.Interventional, judged ? "≤ counterfactual − 0.5" : "", judged ? s.Counterfactual - s.Interventional >= CausalVaeExample.InterventionalMargin : null);
        Row("generator's own shape-only edit (bound)", s.TruthOfShapeOnlyEdit, "", null);
        Row("units whose children changed", s.ChildrenChanged, "", null);
        Row("test −ELBO per image (β = 1), nats", testLoss, settings.Full ? "≤ 45" : "", settings.Full ? testLoss <= CausalVaeExample.FullTestLossTarget : null);
        console.Write(table);
        console.MarkupLine("s′ is one of the unit's two other shapes, drawn uniformly. The truth is the generator's rendering of the counterfactual factors the query sampled (its Gumbel noise from the exact posterior given the unit's labels).");
    }
}
