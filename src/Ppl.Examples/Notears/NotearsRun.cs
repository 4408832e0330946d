using Ppl.Causal;

namespace Ppl.Examples.Notears;

/// <summary>One NOTEARS fit on one simulated data set, scored against the graph that generated it.</summary>
/// <param name="Cell">The graph family and size.</param>
/// <param name="Seed">The simulation's seed.</param>
/// <param name="Score">SHD, TPR, FDR, FPR and nnz of the thresholded estimate.</param>
/// <param name="IsDag">Whether the thresholded estimate is acyclic.</param>
/// <param name="Seconds">Wall time of the fit.</param>
/// <param name="DualSteps">Augmented Lagrangian steps taken.</param>
internal sealed record NotearsRun(NotearsCell Cell, long Seed, StructureComparison Score, bool IsDag, double Seconds, int DualSteps);
