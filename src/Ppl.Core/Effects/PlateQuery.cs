using Ppl.Handlers;

namespace Ppl.Effects;

/// <summary>
/// What the installed handlers report about the plates around the current point of a program, the
/// answer to <see cref="HandlerStack.EnclosingPlates"/> (Pyro's inspect message): every handler
/// is asked (<see cref="Messenger.AnswerPlateQuery"/>) and the plate handlers add themselves, the
/// traces themselves as the places a run's plates are recorded. Code that needs the enclosing
/// plates asks this instead of looking for handler types on the stack.
/// </summary>
internal sealed class PlateQuery
{
    private readonly List<PlateMessenger> _plates = [];
    private readonly List<PlateFrame> _frames = [];
    private readonly List<Trace> _recorders = [];

    /// <summary>The enclosing plate handlers, outermost first, including those that only reserve a dim (blocked plates, world dims).</summary>
    public IReadOnlyList<PlateMessenger> Plates => _plates;

    /// <summary>The frames of <see cref="Plates"/>, outermost first.</summary>
    public IReadOnlyList<PlateFrame> Frames => _frames;

    /// <summary>The traces recording the run, outermost first: where a plate entered earlier in the run is found.</summary>
    public IReadOnlyList<Trace> Recorders => _recorders;

    /// <summary>Reports an enclosing plate.</summary>
    public void AddPlate(PlateMessenger plate)
    {
        _plates.Add(plate);
        _frames.Add(plate.Frame);
    }

    /// <summary>Reports a trace that records the run's plates.</summary>
    public void AddRecorder(Trace trace) => _recorders.Add(trace);
}
