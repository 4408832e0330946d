using System.Globalization;
using Ppl.IO;

namespace Ppl.Inference.Training;

/// <summary>
/// The epochs of a <see cref="SviTrainer{TArgs}"/> run, and whether early stopping ended it. Kept
/// beside a checkpoint as <c>history.csv</c> (one row per epoch, readable by any plotting tool), so
/// a resumed run knows its best epoch and how long it has waited for an improvement.
/// </summary>
public sealed class TrainingHistory
{
    /// <summary>The history's file name inside a checkpoint folder.</summary>
    public const string FileName = "history.csv";

    private const string Header = "epoch,steps,train_loss,test_loss,learning_rate,seconds";

    private readonly List<EpochSummary> _epochs;

    internal TrainingHistory(IEnumerable<EpochSummary> epochs, bool stoppedEarly = false)
    {
        _epochs = [.. epochs];
        StoppedEarly = stoppedEarly;
    }

    /// <summary>Every finished epoch, in order.</summary>
    public IReadOnlyList<EpochSummary> Epochs => _epochs;

    /// <summary>Whether early stopping ended the run before its last epoch.</summary>
    public bool StoppedEarly { get; internal set; }

    /// <summary>The epoch with the lowest monitored loss (test loss when there is one); null before the first epoch ends.</summary>
    public EpochSummary? Best => _epochs.Count == 0 ? null : _epochs.MinBy(e => e.Monitored);

    internal void Add(EpochSummary epoch) => _epochs.Add(epoch);

    /// <summary>Writes the history as CSV to <paramref name="path"/>, replacing the file atomically.</summary>
    internal void Write(string path) => AtomicFile.Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, ChecksummedFile.Utf8, leaveOpen: true);
        writer.WriteLine(Header);
        foreach (var e in _epochs)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{e.Epoch},{e.Steps},{e.TrainLoss:R},{(e.TestLoss is double t ? t.ToString("R", CultureInfo.InvariantCulture) : "")},{e.LearningRate:R},{e.Seconds:R}"));
        }
    });

    /// <summary>Reads a history written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not such a history; the message names the file and the line.</exception>
    internal static TrainingHistory Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header)
        {
            throw new InvalidDataException($"{path}: not a training history (the first line must be '{Header}').");
        }

        var epochs = new List<EpochSummary>();
        for (int i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            try
            {
                if (cells.Length != 6)
                {
                    throw new FormatException($"{cells.Length} cells instead of 6");
                }

                var f = CultureInfo.InvariantCulture;
                epochs.Add(new EpochSummary(
                    int.Parse(cells[0], f),
                    long.Parse(cells[1], f),
                    double.Parse(cells[2], f),
                    cells[3].Length == 0 ? null : double.Parse(cells[3], f),
                    double.Parse(cells[4], f),
                    double.Parse(cells[5], f)));
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"{path}, line {i + 1}: '{lines[i]}' is not an epoch row ({e.Message}).", e);
            }
        }

        return new TrainingHistory(epochs);
    }
}
