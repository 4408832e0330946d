namespace Ppl.Examples.CausalVae;

/// <summary>
/// The causal VAE's held-out measurements, each a mean IoU (decoded mean &gt; 0.5 against the
/// generator's rendering) over the test units.
/// </summary>
/// <param name="Units">How many test units were scored.</param>
/// <param name="Reconstruction">z at the encoder's mean, factual labels, against the factual image.</param>
/// <param name="LabelsOnly">z = 0, factual labels, against the factual image.</param>
/// <param name="Counterfactual">The twin-world answer to do(shape = s′) against the rendering of the counterfactual factors it sampled.</param>
/// <param name="ShapeOnlyEdit">The decode with only the shape changed to s′, against the same truth.</param>
/// <param name="Interventional">A fresh sample of the model under do(shape = s′), against the same truth.</param>
/// <param name="TruthOfShapeOnlyEdit">The generator's own rendering of the shape-only edit against the same truth: the best a shape-only edit can score.</param>
/// <param name="ChildrenChanged">The fraction of units whose counterfactual scale, orientation, posX or posY differs from the factual one.</param>
internal sealed record CausalVaeScores(
    int Units,
    double Reconstruction,
    double LabelsOnly,
    double Counterfactual,
    double ShapeOnlyEdit,
    double Interventional,
    double TruthOfShapeOnlyEdit,
    double ChildrenChanged);
