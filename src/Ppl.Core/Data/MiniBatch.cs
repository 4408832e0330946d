using static TorchSharp.torch;

namespace Ppl.Data;

/// <summary>One batch of <see cref="MiniBatches"/>: which rows of the data set it holds.</summary>
public sealed class MiniBatch
{
    private readonly ArraySegment<long> _rows;

    internal MiniBatch(ArraySegment<long> rows, long dataSize, int epoch, int number)
    {
        _rows = rows;
        DataSize = dataSize;
        Epoch = epoch;
        Number = number;
    }

    /// <summary>The data set's number of rows (the plate's full size).</summary>
    public long DataSize { get; }

    /// <summary>The epoch the batch belongs to.</summary>
    public int Epoch { get; }

    /// <summary>The batch's position in its epoch, from 0.</summary>
    public int Number { get; }

    /// <summary>How many rows the batch holds.</summary>
    public int Count => _rows.Count;

    /// <summary>The batch's rows, in the epoch's order.</summary>
    public IReadOnlyList<long> Rows => _rows;

    /// <summary>The rows as an int64 tensor on <paramref name="device"/> (CPU when null), made in the current dispose scope.</summary>
    public Tensor Indices(Device? device = null) => tensor(_rows.ToArray(), dtype: ScalarType.Int64, device: device);

    /// <summary>
    /// The batch's rows of <paramref name="data"/> (its first dim indexes the data set), in the
    /// batch's order, on the data's device.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> is a scalar or its first dim is not the data set's size.</exception>
    public Tensor Select(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.dim() == 0 || data.shape[0] != DataSize)
        {
            throw new ArgumentException(
                $"MiniBatch.Select: the data's first dim must index the data set's {DataSize} rows; got shape {Distributions.ShapeUtil.Format(data.shape)}. Select from the full data set, one row per unit.",
                nameof(data));
        }

        // advanced indexing rather than index_select, which has no meta kernel
        using var indices = Indices(data.device);
        return data.index(TensorIndex.Tensor(indices));
    }

    /// <summary>
    /// A plate over the data set subsampled to this batch (<c>Plate(name, DataSize, Indices)</c>):
    /// sites inside it are scaled by <see cref="DataSize"/> / <see cref="Count"/>.
    /// </summary>
    /// <param name="name">The plate's name.</param>
    /// <param name="dim">The plate's dim, as for <see cref="Primitives.Plate(string, long, Tensor, int?)"/>.</param>
    /// <param name="device">Where the indices live (the data's device); CPU when null.</param>
    public PlateScope Plate(string name, int? dim = null, Device? device = null) => Primitives.Plate(name, DataSize, Indices(device), dim);
}
