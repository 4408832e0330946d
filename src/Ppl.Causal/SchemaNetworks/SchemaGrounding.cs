using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Ppl.Causal.SchemaNetworks;

/// <summary>
/// A schema network's schemas as tables, so grounding every schema at every entity is a handful of tensor
/// operations whatever the number of schemas: a convolution kernel per schema over the attribute planes (+1
/// where a precondition needs the cell on, −1 where it needs it off), a matrix from actions to the schemas
/// that need them, the number of +1s each schema has (its literals all hold exactly where the signed sum of
/// the 0/1 values reaches it), and the row of [turns on, turns off, rewards] each schema adds to.
/// </summary>
internal sealed class SchemaGrounding
{
    private readonly int _schemas;
    private readonly double[] _kernels;
    private readonly double[] _actionIncidence;
    private readonly double[] _needed;
    private readonly long[] _targetRows;
    private readonly int _actions;
    private readonly int _attributes;
    private readonly ConcurrentDictionary<(string Device, ScalarType Dtype), GroundingTensors> _tensors = new();

    public SchemaGrounding(SchemaNetwork network)
    {
        var schemas = network.Schemas;
        _schemas = schemas.Count;
        _actions = network.Actions.Count;
        _attributes = network.Grid.Attributes.Count;
        var preconditions = schemas.SelectMany(s => s.Preconditions).ToArray();
        RowReach = preconditions.Select(p => Math.Abs(p.RowOffset)).DefaultIfEmpty(0).Max();
        ColumnReach = preconditions.Select(p => Math.Abs(p.ColumnOffset)).DefaultIfEmpty(0).Max();
        int height = (2 * RowReach) + 1, width = (2 * ColumnReach) + 1;
        TargetCount = (2 * _attributes) + network.Rewards.Count;
        _kernels = new double[_schemas * _attributes * height * width];
        _actionIncidence = new double[_actions * _schemas];
        _needed = new double[_schemas];
        _targetRows = new long[_schemas];
        for (int s = 0; s < _schemas; s++)
        {
            var schema = schemas[s];
            foreach (var p in schema.Preconditions)
            {
                _kernels[((((s * _attributes) + p.Attribute) * height) + p.RowOffset + RowReach) * width + p.ColumnOffset + ColumnReach] = p.Value ? 1 : -1;
                _needed[s] += p.Value ? 1 : 0;
            }

            if (schema.Action is int action)
            {
                _actionIncidence[(action * _schemas) + s] = 1;
                _needed[s] += 1;
            }

            _targetRows[s] = schema.Effect switch
            {
                SchemaEffect.TurnsOn => schema.Target,
                SchemaEffect.TurnsOff => _attributes + schema.Target,
                _ => (2 * _attributes) + schema.Target,
            };
        }
    }

    /// <summary>The largest row offset read, the padding of the state above and below.</summary>
    public int RowReach { get; }

    /// <summary>The largest column offset read, the padding left and right.</summary>
    public int ColumnReach { get; }

    /// <summary>2 · attributes + rewards: the rows schemas add to (turns on, turns off, rewards).</summary>
    public int TargetCount { get; }

    /// <summary>
    /// The tables on a device in a dtype, made once and kept with the network (they are constants of the
    /// model, like a module's weights, so they live outside every dispose scope).
    /// </summary>
    public GroundingTensors On(Device device, ScalarType dtype) => _tensors.GetOrAdd((device.ToString(), dtype), _ =>
    {
        // only the window cells some schema reads: the rest of the kernel matrix is zero
        int cells = _kernels.Length / Math.Max(1, _schemas);
        long[] read = Enumerable.Range(0, cells).Where(k => Enumerable.Range(0, _schemas).Any(s => _kernels[(s * cells) + k] != 0)).Select(k => (long)k).ToArray();
        var columns = new double[_schemas * read.Length];
        for (int s = 0; s < _schemas; s++)
        {
            for (int k = 0; k < read.Length; k++)
            {
                columns[(s * read.Length) + k] = _kernels[(s * cells) + read[k]];
            }
        }

        var kernels = tensor(columns, dtype: dtype, device: device).reshape(_schemas, read.Length).DetachFromDisposeScope();
        var reads = tensor(read, dtype: ScalarType.Int64, device: device).DetachFromDisposeScope();
        var actionIncidence = tensor(_actionIncidence, dtype: dtype, device: device).reshape(_actions, _schemas).DetachFromDisposeScope();
        var needed = tensor(_needed, dtype: dtype, device: device).DetachFromDisposeScope();
        var targetRows = tensor(_targetRows, dtype: ScalarType.Int64, device: device).DetachFromDisposeScope();
        return new GroundingTensors(reads, kernels, actionIncidence, needed, targetRows);
    });
}
