namespace Ppl.Examples.Gmm;

/// <summary>What one route's fit gave.</summary>
/// <param name="Name">The route, for tables and legends.</param>
/// <param name="Losses">The loss (negative ELBO) of every step.</param>
/// <param name="FinalLoss">The loss at the end: the last step's when it is exact, the mean of the last steps' when it is a one-draw estimate.</param>
/// <param name="MsPerStep">Wall time of the fit per step, in milliseconds.</param>
/// <param name="Assignments">Each point's inferred component.</param>
/// <param name="Weights">The fitted weights.</param>
/// <param name="Locs">The fitted means.</param>
/// <param name="Scale">The fitted scale.</param>
internal sealed record GmmRoute(string Name, double[] Losses, double FinalLoss, double MsPerStep, long[] Assignments, double[] Weights, double[] Locs, double Scale);
