using Ppl.Causal.Invariance;

namespace Ppl.Examples.IrmColoredMnist;

/// <summary>One row of the paper's Table 1: how the classifier is built and trained, and what the paper measured.</summary>
/// <param name="Name">The row's name.</param>
/// <param name="Hidden">Units per hidden layer.</param>
/// <param name="Grayscale">Whether the classifier sums the colour channels (cannot see colour).</param>
/// <param name="Options">The training: steps, rate, L2 and penalty, the authors' tuned values.</param>
/// <param name="PaperTrain">The paper's mean ± std train accuracy (%, 10 restarts).</param>
/// <param name="PaperTest">The paper's mean ± std test accuracy (%).</param>
internal sealed record IrmMethod(string Name, int Hidden, bool Grayscale, IrmOptions Options, (double Mean, double Std) PaperTrain, (double Mean, double Std) PaperTest)
{
    /// <summary>Empirical risk minimization: no penalty.</summary>
    public static IrmMethod Erm { get; } = new("ERM", 256, false, new IrmOptions { Steps = 501, LearningRate = 0.001, L2 = 0.001 }, (87.4, 0.2), (17.1, 0.6));

    /// <summary>IRMv1 with the authors' tuned hyperparameters.</summary>
    public static IrmMethod Irm { get; } = new("IRM", 390, false, new IrmOptions
    {
        Steps = 501,
        LearningRate = 0.0004898536566546834,
        L2 = 0.00110794568,
        PenaltyWeight = 91257.18613115903,
        PenaltyAnnealSteps = 190,
    }, (70.8, 0.9), (66.9, 2.5));

    /// <summary>ERM on grayscale inputs: the colour-blind "oracle".</summary>
    public static IrmMethod Oracle { get; } = new("grayscale oracle", 83, true, new IrmOptions { Steps = 101, LearningRate = 0.0028171488133821726, L2 = 0.0008602868865288383 }, (73.5, 0.2), (73.0, 0.4));

    /// <summary>The three rows in the paper's order.</summary>
    public static IReadOnlyList<IrmMethod> All { get; } = [Erm, Irm, Oracle];

    /// <summary>The smoke run's version: <paramref name="hidden"/> units and <paramref name="steps"/> steps (the anneal scaled along).</summary>
    public IrmMethod Shrunk(int hidden, int steps) => this with
    {
        Hidden = hidden,
        Options = Options with { Steps = steps, PenaltyAnnealSteps = Options.PenaltyAnnealSteps * steps / Options.Steps, RecordEvery = 5 },
    };
}
