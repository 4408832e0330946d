namespace Ppl.Inference.Optim;

/// <summary>
/// The limited-memory BFGS matrix in compact form (Byrd, Nocedal &amp; Schnabel 1994):
/// B = θI − W·M·Wᵀ with W = [Y, θS] (n × 2k) and M = K⁻¹,
/// K = [[−D, Lᵀ], [L, θSᵀS]], D = diag(sᵢᵀyᵢ), L the strictly lower triangle of SᵀY.
/// Only the k ≤ m pairs (n-vectors) and the k × k products SᵀY, SᵀS are stored, so memory is
/// O(m·n) and B is never formed; a row wᵢ of W is read from the i-th entries of the pairs.
/// </summary>
internal sealed class CompactBfgsMemory
{
    private readonly int _n;
    private readonly int _capacity;
    private readonly double[]?[] _s;
    private readonly double[]?[] _y;
    // Logical order (0 = oldest), capacity × capacity, row-major: _sy[i, j] = sᵢᵀyⱼ, _ss[i, j] = sᵢᵀsⱼ.
    private readonly double[] _sy;
    private readonly double[] _ss;
    private int _head;

    public CompactBfgsMemory(int n, int capacity)
    {
        _n = n;
        _capacity = capacity;
        _s = new double[]?[capacity];
        _y = new double[]?[capacity];
        _sy = new double[capacity * capacity];
        _ss = new double[capacity * capacity];
    }

    /// <summary>Number of stored pairs k.</summary>
    public int Count { get; private set; }

    /// <summary>Columns of W, 2k.</summary>
    public int Width => 2 * Count;

    /// <summary>Scaling of the initial matrix θI: yᵀy / sᵀy of the newest pair, 1 with no pairs.</summary>
    public double Theta { get; private set; } = 1.0;

    /// <summary>Forgets every pair: B becomes the identity (the restart after a failed line search).</summary>
    public void Clear()
    {
        Count = 0;
        _head = 0;
        Theta = 1.0;
    }

    /// <summary>
    /// Stores (s, y) unless sᵀy ≤ ε·yᵀy, in which case the update would not keep B positive
    /// definite and is skipped (the paper's rule). Drops the oldest pair when full.
    /// </summary>
    public bool TryAdd(double[] s, double[] y)
    {
        double sy = BoxBounds.Dot(s, y);
        double yy = BoxBounds.Dot(y, y);
        if (!(sy > BoxBounds.MachineEpsilon * yy) || !(sy > 0.0))
        {
            return false;
        }

        if (Count == _capacity)
        {
            DropOldest();
        }

        int slot = (_head + Count) % _capacity;
        double[] sNew = _s[slot] ??= new double[_n];
        double[] yNew = _y[slot] ??= new double[_n];
        Array.Copy(s, sNew, _n);
        Array.Copy(y, yNew, _n);
        int k = Count;
        for (int j = 0; j < k; j++)
        {
            _sy[(k * _capacity) + j] = BoxBounds.Dot(sNew, Y(j));
            _sy[(j * _capacity) + k] = BoxBounds.Dot(S(j), yNew);
            double ss = BoxBounds.Dot(sNew, S(j));
            _ss[(k * _capacity) + j] = ss;
            _ss[(j * _capacity) + k] = ss;
        }

        _sy[(k * _capacity) + k] = sy;
        _ss[(k * _capacity) + k] = BoxBounds.Dot(sNew, sNew);
        Count = k + 1;
        Theta = yy / sy;
        return true;
    }

    /// <summary>p = Wᵀv (length 2k).</summary>
    public void TransposeTimes(double[] v, Span<double> p)
    {
        int k = Count;
        for (int j = 0; j < k; j++)
        {
            p[j] = BoxBounds.Dot(Y(j), v);
            p[k + j] = Theta * BoxBounds.Dot(S(j), v);
        }
    }

    /// <summary>The stored sⱼ (0 = oldest); column k + j of W is θ times it.</summary>
    public double[] SColumn(int j) => S(j);

    /// <summary>The stored yⱼ (0 = oldest), column j of W.</summary>
    public double[] YColumn(int j) => Y(j);

    /// <summary>The i-th row of W: (y₁ᵢ … yₖᵢ, θs₁ᵢ … θsₖᵢ).</summary>
    public void Row(int i, Span<double> row)
    {
        int k = Count;
        for (int j = 0; j < k; j++)
        {
            int slot = (_head + j) % _capacity;
            row[j] = _y[slot]![i];
            row[k + j] = Theta * _s[slot]![i];
        }
    }

    /// <summary>The middle matrix K = M⁻¹, 2k × 2k row-major.</summary>
    public double[] MiddleInverse()
    {
        int k = Count;
        int w = 2 * k;
        double[] kMat = new double[w * w];
        for (int i = 0; i < k; i++)
        {
            kMat[(i * w) + i] = -_sy[(i * _capacity) + i];
            for (int j = 0; j < k; j++)
            {
                if (i > j)
                {
                    double lij = _sy[(i * _capacity) + j];
                    kMat[((k + i) * w) + j] = lij;
                    kMat[(j * w) + k + i] = lij;
                }

                kMat[((k + i) * w) + k + j] = Theta * _ss[(i * _capacity) + j];
            }
        }

        return kMat;
    }

    /// <summary>M = K⁻¹ (2k × 2k row-major), or null when K is numerically singular.</summary>
    public double[]? Middle()
    {
        int w = Width;
        double[] inverse = new double[w * w];
        for (int i = 0; i < w; i++)
        {
            inverse[(i * w) + i] = 1.0;
        }

        return SmallDense.TrySolve(MiddleInverse(), w, inverse, w) ? inverse : null;
    }

    private double[] S(int logical) => _s[(_head + logical) % _capacity]!;

    private double[] Y(int logical) => _y[(_head + logical) % _capacity]!;

    private void DropOldest()
    {
        for (int i = 1; i < Count; i++)
        {
            for (int j = 1; j < Count; j++)
            {
                _sy[((i - 1) * _capacity) + j - 1] = _sy[(i * _capacity) + j];
                _ss[((i - 1) * _capacity) + j - 1] = _ss[(i * _capacity) + j];
            }
        }

        _head = (_head + 1) % _capacity;
        Count--;
    }
}
