namespace Ppl.Inference.Optim;

/// <summary>
/// Dense solves of the 2m × 2m systems of the compact representation (m = history length, so at
/// most a few dozen rows). Partial pivoting because the middle matrix is indefinite.
/// </summary>
internal static class SmallDense
{
    /// <summary>
    /// Solves A·X = B in place for <paramref name="columns"/> right-hand sides (B row-major, size × columns);
    /// A (row-major) is destroyed. False when A is numerically singular.
    /// </summary>
    public static bool TrySolve(double[] a, int size, double[] b, int columns)
    {
        double scale = 0.0;
        for (int i = 0; i < size * size; i++)
        {
            scale = Math.Max(scale, Math.Abs(a[i]));
        }

        if (!(scale > 0.0) || double.IsInfinity(scale))
        {
            return size == 0;
        }

        // A pivot this small relative to the largest entry means the history pairs are (nearly) dependent.
        double tiny = scale * 1e-15;
        for (int col = 0; col < size; col++)
        {
            int pivot = col;
            for (int row = col + 1; row < size; row++)
            {
                if (Math.Abs(a[(row * size) + col]) > Math.Abs(a[(pivot * size) + col]))
                {
                    pivot = row;
                }
            }

            double p = a[(pivot * size) + col];
            if (!(Math.Abs(p) > tiny))
            {
                return false;
            }

            if (pivot != col)
            {
                SwapRows(a, size, pivot, col);
                SwapRows(b, columns, pivot, col);
            }

            for (int row = col + 1; row < size; row++)
            {
                double factor = a[(row * size) + col] / p;
                if (factor == 0.0)
                {
                    continue;
                }

                for (int j = col; j < size; j++)
                {
                    a[(row * size) + j] -= factor * a[(col * size) + j];
                }

                for (int j = 0; j < columns; j++)
                {
                    b[(row * columns) + j] -= factor * b[(col * columns) + j];
                }
            }
        }

        for (int row = size - 1; row >= 0; row--)
        {
            for (int j = 0; j < columns; j++)
            {
                double sum = b[(row * columns) + j];
                for (int k = row + 1; k < size; k++)
                {
                    sum -= a[(row * size) + k] * b[(k * columns) + j];
                }

                b[(row * columns) + j] = sum / a[(row * size) + row];
            }
        }

        return true;
    }

    /// <summary>y = A·x for a row-major size × size matrix.</summary>
    public static void Multiply(double[] a, int size, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < size; i++)
        {
            double sum = 0.0;
            for (int j = 0; j < size; j++)
            {
                sum += a[(i * size) + j] * x[j];
            }

            y[i] = sum;
        }
    }

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0.0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static void SwapRows(double[] m, int width, int r1, int r2)
    {
        for (int j = 0; j < width; j++)
        {
            (m[(r1 * width) + j], m[(r2 * width) + j]) = (m[(r2 * width) + j], m[(r1 * width) + j]);
        }
    }
}
