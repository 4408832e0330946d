namespace Ppl.Inference.Training;

/// <summary>Early stopping's bookkeeping: the best monitored loss so far and the epochs since it.</summary>
internal sealed class ImprovementWatch
{
    private readonly EarlyStopping? _rule;
    private double _best = double.PositiveInfinity;
    private int _sinceBest;

    /// <summary>A watch for <paramref name="rule"/> that has already seen <paramref name="epochs"/> (a resumed run's history).</summary>
    public ImprovementWatch(EarlyStopping? rule, IEnumerable<EpochSummary> epochs)
    {
        _rule = rule;
        foreach (var epoch in epochs)
        {
            Add(epoch);
        }
    }

    /// <summary>Whether the rule says to stop now.</summary>
    public bool ShouldStop => _rule is not null && _sinceBest >= _rule.Patience;

    /// <summary>Records an epoch; true when it improved on the best by more than the rule's least improvement (the first epoch always does).</summary>
    public bool Add(EpochSummary epoch)
    {
        double loss = epoch.Monitored;
        if (double.IsPositiveInfinity(_best) || loss < _best - (_rule?.MinDelta ?? 0))
        {
            _best = loss;
            _sinceBest = 0;
            return true;
        }

        _sinceBest++;
        return false;
    }
}
