namespace Ppl.Inference.Optim;

/// <summary>
/// The generalized Cauchy point (Byrd, Lu, Nocedal &amp; Zhu 1995, section 4): the first local
/// minimizer of the quadratic model m(x) = f + gᵀ(x − xₖ) + ½(x − xₖ)ᵀB(x − xₖ) along the
/// projected steepest-descent path P(xₖ − t·g). The path is piecewise linear with a kink wherever
/// a variable reaches a bound; on each segment the model is a 1-D quadratic whose slope f′ and
/// curvature f″ are updated from the previous segment in O(m²) via the compact form of B, so
/// the whole search costs O(n log n + m²·breakpoints) and never touches an n × n matrix.
/// </summary>
internal sealed class GeneralizedCauchyPoint
{
    private readonly double[] _direction;
    private readonly double[] _breakTimes;
    private readonly int[] _breakIndex;

    public GeneralizedCauchyPoint(int n)
    {
        _direction = new double[n];
        _breakTimes = new double[n];
        _breakIndex = new int[n];
    }

    /// <summary>
    /// Writes the Cauchy point into <paramref name="xc"/> and c = Wᵀ(xc − x) into
    /// <paramref name="c"/> (length 2k), which the subspace step needs for the model gradient at xc.
    /// <paramref name="middle"/> is M (2k × 2k), empty when the memory holds no pairs.
    /// </summary>
    public void Compute(
        double[] x, double[] g, double[] lower, double[] upper,
        CompactBfgsMemory memory, double[] middle, double[] xc, double[] c)
    {
        int n = x.Length;
        int w = memory.Width;
        double theta = memory.Theta;
        double[] d = _direction;
        int breaks = 0;
        int moving = 0;
        double dd = 0.0;
        for (int i = 0; i < n; i++)
        {
            xc[i] = x[i];
            // Time at which x_i − t·g_i meets the bound it is heading for.
            double ti = g[i] < 0.0 ? (x[i] - upper[i]) / g[i]
                : g[i] > 0.0 ? (x[i] - lower[i]) / g[i]
                : double.PositiveInfinity;
            if (ti == 0.0 || g[i] == 0.0)
            {
                d[i] = 0.0;
                continue;
            }

            d[i] = -g[i];
            dd += g[i] * g[i];
            moving++;
            if (!double.IsPositiveInfinity(ti))
            {
                _breakTimes[breaks] = ti;
                _breakIndex[breaks] = i;
                breaks++;
            }
        }

        Array.Clear(c, 0, w);
        if (dd == 0.0)
        {
            // Every variable is blocked: x is a KKT point and its own Cauchy point.
            return;
        }

        Span<double> p = stackalloc double[w];
        Span<double> row = stackalloc double[w];
        Span<double> mp = stackalloc double[w];
        Span<double> mc = stackalloc double[w];
        mc.Clear();
        Span<double> mRow = stackalloc double[w];
        memory.TransposeTimes(d, p);
        SmallDense.Multiply(middle, w, p, mp);

        // Slope and curvature of the model along the first segment.
        double f1 = -dd;
        double f2 = (theta * dd) - SmallDense.Dot(p, mp);
        // B is positive definite, so f″ > 0 in exact arithmetic; cancellation over many
        // breakpoints can drive it to zero or below, which would send the step to infinity.
        double f2Floor = BoxBounds.MachineEpsilon * f2;
        double stepToMin = -f1 / f2;
        double tOld = 0.0;

        Array.Sort(_breakTimes, _breakIndex, 0, breaks);
        int next = 0;
        while (next < breaks)
        {
            int b = _breakIndex[next];
            double tb = _breakTimes[next];
            double dt = tb - tOld;
            if (stepToMin < dt)
            {
                break;
            }

            // Advance to the kink where variable b hits its bound and leaves the path.
            double bound = d[b] > 0.0 ? upper[b] : lower[b];
            xc[b] = bound;
            double zb = bound - x[b];
            double gb = g[b];
            for (int j = 0; j < w; j++)
            {
                c[j] += dt * p[j];
            }

            // M·c and M·p are updated alongside c and p (M is linear), so each breakpoint costs
            // one 2k × 2k product, M·wᵦ, instead of three.
            for (int j = 0; j < w; j++)
            {
                mc[j] += dt * mp[j];
            }

            memory.Row(b, row);
            SmallDense.Multiply(middle, w, row, mRow);
            f1 += (dt * f2) + (gb * gb) + (theta * gb * zb) - (gb * SmallDense.Dot(row, mc));
            f2 -= (theta * gb * gb) + (2.0 * gb * SmallDense.Dot(row, mp)) + (gb * gb * SmallDense.Dot(row, mRow));
            f2 = Math.Max(f2, f2Floor);
            for (int j = 0; j < w; j++)
            {
                p[j] += gb * row[j];
                mp[j] += gb * mRow[j];
            }
            d[b] = 0.0;
            moving--;
            tOld = tb;
            next++;
            stepToMin = -f1 / f2;
        }

        if (moving == 0 || !(stepToMin > 0.0))
        {
            // Either every variable reached a bound, or the model turned upward at the last kink.
            stepToMin = 0.0;
        }

        double t = tOld + stepToMin;
        for (int i = 0; i < n; i++)
        {
            if (d[i] != 0.0)
            {
                xc[i] = BoxBounds.Clamp(x[i] + (t * d[i]), lower[i], upper[i]);
            }
        }

        for (int j = 0; j < w; j++)
        {
            c[j] += stepToMin * p[j];
        }
    }
}
