namespace Ppl.Inference.Optim;

/// <summary>
/// One L-BFGS-B minimization (Byrd, Lu, Nocedal &amp; Zhu 1995, algorithm L-BFGS-B): each
/// iteration finds the generalized Cauchy point, minimizes the model over the variables still
/// free there, and line-searches from xₖ toward that point. Inputs are validated by
/// <see cref="BoundedLbfgs.Minimize"/>; this class owns every buffer (O(m·n) doubles).
/// </summary>
internal sealed class BoundedLbfgsRun
{
    // L-BFGS-B's cap on trials per line search; past it the direction is treated as bad.
    private const int MaxLineSearchTrials = 20;

    private readonly Func<double[], double[], double> _objective;
    private readonly double[] _lower;
    private readonly double[] _upper;
    private readonly BoundedLbfgsOptions _options;
    private readonly int _n;
    private readonly bool _constrained;
    private readonly bool _boxed;
    private readonly CompactBfgsMemory _memory;
    private readonly GeneralizedCauchyPoint _cauchy;
    // The objective sees its own copy of the point, so it cannot corrupt the solver's iterate.
    private readonly double[] _callPoint;
    private readonly double[] _callGradient;
    private double[] _x;
    private double[] _g;
    private double[] _xTrial;
    private double[] _gTrial;
    private readonly double[] _xbar;
    private readonly double[] _direction;
    private readonly double[] _s;
    private readonly double[] _y;
    private readonly int[] _free;
    private readonly double[] _reduced;
    // The subspace step's gathered free-variable columns of W (grown on demand, at most 2m·n).
    private double[] _freeColumns = [];
    private double _f;
    private int _evaluations;
    private int _iterations;

    public BoundedLbfgsRun(
        Func<double[], double[], double> objective, double[] x0, double[] lower, double[] upper, BoundedLbfgsOptions options)
    {
        _objective = objective;
        _lower = lower;
        _upper = upper;
        _options = options;
        _n = x0.Length;
        _constrained = false;
        _boxed = true;
        for (int i = 0; i < _n; i++)
        {
            bool hasLower = !double.IsNegativeInfinity(lower[i]);
            bool hasUpper = !double.IsPositiveInfinity(upper[i]);
            _constrained |= hasLower || hasUpper;
            _boxed &= hasLower && hasUpper;
        }

        _memory = new CompactBfgsMemory(_n, options.History);
        _cauchy = new GeneralizedCauchyPoint(_n);
        _callPoint = new double[_n];
        _callGradient = new double[_n];
        _x = (double[])x0.Clone();
        BoxBounds.Project(_x, lower, upper);
        _g = new double[_n];
        _xTrial = new double[_n];
        _gTrial = new double[_n];
        _xbar = new double[_n];
        _direction = new double[_n];
        _s = new double[_n];
        _y = new double[_n];
        _free = new int[_n];
        _reduced = new double[_n];
    }

    public BoundedLbfgsResult Run()
    {
        _f = Evaluate(_x, _g);
        double projectedNorm = BoxBounds.ProjectedGradientNorm(_x, _g, _lower, _upper);
        if (projectedNorm <= _options.GradientTolerance)
        {
            return Result(BoundedLbfgsStopReason.ProjectedGradient, projectedNorm);
        }

        double relativeTolerance = _options.RelativeReductionFactor * BoxBounds.MachineEpsilon;
        while (true)
        {
            StrongWolfeLineSearch.Outcome search = ComputeDirection()
                ? LineSearch()
                : new StrongWolfeLineSearch.Outcome(LineSearchStatus.Failed, 0.0, _f, 0.0);
            if (search.Status == LineSearchStatus.OutOfEvaluations)
            {
                return Result(BoundedLbfgsStopReason.EvaluationLimit, projectedNorm);
            }

            // A stalled search is accepted only if it decreased f: a step that leaves f unchanged
            // would otherwise pass the relative-reduction test and report convergence that is
            // really a search that got nowhere (e.g. a gradient inconsistent with f).
            bool accepted = search.Status == LineSearchStatus.Converged
                || (search.Status == LineSearchStatus.Stalled && search.Value < _f);
            if (!accepted)
            {
                if (_memory.Count == 0)
                {
                    return Result(BoundedLbfgsStopReason.LineSearchFailure, projectedNorm);
                }

                // The quasi-Newton model misled the search: restart from steepest descent.
                _memory.Clear();
                continue;
            }

            double fOld = _f;
            for (int i = 0; i < _n; i++)
            {
                _s[i] = _xTrial[i] - _x[i];
                _y[i] = _gTrial[i] - _g[i];
            }

            (_x, _xTrial) = (_xTrial, _x);
            (_g, _gTrial) = (_gTrial, _g);
            _f = search.Value;
            _iterations++;
            _memory.TryAdd(_s, _y);
            projectedNorm = BoxBounds.ProjectedGradientNorm(_x, _g, _lower, _upper);
            _options.OnIteration?.Invoke(
                new BoundedLbfgsIteration(_iterations, _f, projectedNorm, _evaluations, (double[])_x.Clone()));

            if (projectedNorm <= _options.GradientTolerance)
            {
                return Result(BoundedLbfgsStopReason.ProjectedGradient, projectedNorm);
            }

            if (fOld - _f <= relativeTolerance * Math.Max(Math.Max(Math.Abs(fOld), Math.Abs(_f)), 1.0))
            {
                return Result(BoundedLbfgsStopReason.RelativeReduction, projectedNorm);
            }

            if (_iterations >= _options.MaxIterations)
            {
                return Result(BoundedLbfgsStopReason.IterationLimit, projectedNorm);
            }

            if (_evaluations >= _options.MaxEvaluations)
            {
                return Result(BoundedLbfgsStopReason.EvaluationLimit, projectedNorm);
            }
        }
    }

    /// <summary>
    /// Fills <see cref="_xbar"/> (Cauchy point, then subspace step) and the search direction
    /// xbar − x. False when the history's matrices are numerically singular.
    /// </summary>
    private bool ComputeDirection()
    {
        int k = _memory.Count;
        double[] middle = [];
        double[] middleInverse = [];
        if (k > 0)
        {
            middleInverse = _memory.MiddleInverse();
            double[]? m = _memory.Middle();
            if (m is null)
            {
                return false;
            }

            middle = m;
        }

        double[] c = new double[_memory.Width];
        if (_constrained || k == 0)
        {
            _cauchy.Compute(_x, _g, _lower, _upper, _memory, middle, _xbar, c);
        }
        else
        {
            // Without bounds the Cauchy point changes nothing: the subspace step over all
            // variables is the plain L-BFGS step whatever point it starts from.
            Array.Copy(_x, _xbar, _n);
        }

        if (k > 0)
        {
            int freeCount = 0;
            for (int i = 0; i < _n; i++)
            {
                if (_xbar[i] > _lower[i] && _xbar[i] < _upper[i])
                {
                    _free[freeCount++] = i;
                }
            }

            if (freeCount > 0 && !SubspaceMinimization.TryMinimize(
                _x, _g, _lower, _upper, _memory, middle, middleInverse, c, _free, freeCount, _reduced, _xbar, ref _freeColumns))
            {
                return false;
            }
        }

        for (int i = 0; i < _n; i++)
        {
            _direction[i] = _xbar[i] - _x[i];
        }

        return true;
    }

    private StrongWolfeLineSearch.Outcome LineSearch()
    {
        double slope0 = BoxBounds.Dot(_g, _direction);
        double maxStep;
        double step;
        bool fresh = _memory.Count == 0;
        if (!_constrained)
        {
            maxStep = 1e10;
        }
        else if (fresh)
        {
            // With B = I the direction's length carries no curvature information, so the box
            // point reached at unit step (the Cauchy point) bounds the first search.
            maxStep = 1.0;
        }
        else
        {
            maxStep = Math.Min(BoxBounds.MaxStep(_x, _direction, _lower, _upper), 1e10);
            maxStep = Math.Max(maxStep, 1.0);
        }

        // The unscaled first direction −g gets a unit-length first trial; later ones, whose
        // length comes from the quasi-Newton model, get the natural unit step.
        step = fresh && !_boxed
            ? Math.Min(1.0 / Math.Sqrt(BoxBounds.Dot(_direction, _direction)), maxStep)
            : 1.0;

        return StrongWolfeLineSearch.Search(Trial, _f, slope0, step, maxStep, MaxLineSearchTrials);
    }

    private bool Trial(double step, out double value, out double slope)
    {
        if (_evaluations >= _options.MaxEvaluations)
        {
            value = double.NaN;
            slope = double.NaN;
            return false;
        }

        for (int i = 0; i < _n; i++)
        {
            // At the unit step use the subspace point itself, so rounding cannot move a
            // variable off the bound it was placed on.
            _xTrial[i] = step == 1.0
                ? _xbar[i]
                : BoxBounds.Clamp(_x[i] + (step * _direction[i]), _lower[i], _upper[i]);
        }

        value = Evaluate(_xTrial, _gTrial);
        slope = BoxBounds.Dot(_gTrial, _direction);
        return true;
    }

    private double Evaluate(double[] point, double[] gradient)
    {
        Array.Copy(point, _callPoint, _n);
        // NaN marks entries the objective forgot to write, so they are reported, not reused.
        Array.Fill(_callGradient, double.NaN);
        double value = _objective(_callPoint, _callGradient);
        _evaluations++;
        int iteration = _evaluations == 1 ? 0 : _iterations + 1;
        if (!double.IsFinite(value))
        {
            throw new NonFiniteObjectiveException(iteration, -1, value);
        }

        for (int i = 0; i < _n; i++)
        {
            double gi = _callGradient[i];
            if (!double.IsFinite(gi))
            {
                throw new NonFiniteObjectiveException(iteration, i, gi);
            }

            gradient[i] = gi;
        }

        return value;
    }

    private BoundedLbfgsResult Result(BoundedLbfgsStopReason reason, double projectedNorm) => new()
    {
        X = (double[])_x.Clone(),
        F = _f,
        Gradient = (double[])_g.Clone(),
        ProjectedGradientNorm = projectedNorm,
        Iterations = _iterations,
        Evaluations = _evaluations,
        StopReason = reason,
    };
}
