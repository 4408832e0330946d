using static TorchSharp.torch;

namespace Ppl.Inference.Optim;

/// <summary>
/// The state one update reads and writes: a single parameter's (<see cref="ParameterState"/>) or,
/// for a grouped update, the stacked state of a group of same-shaped parameters whose rows are its
/// members' own state tensors (<see cref="ParameterGroup"/>). An optimizer's arithmetic is written
/// once against this and runs unchanged on a parameter or on a stack, as PyTorch's single-tensor
/// and multi-tensor paths do.
/// </summary>
internal interface IUpdateState
{
    /// <summary>Updates received, including the one in progress (shared by every member of a group).</summary>
    long Step { get; }

    /// <summary>The state tensor <paramref name="key"/>, made by <paramref name="create"/> from the values being updated the first time.</summary>
    Tensor GetOrCreate(string key, Func<Tensor, Tensor> create);

    /// <summary>The state tensor <paramref name="key"/>, or null when it has not been made yet.</summary>
    Tensor? TryGet(string key);

    /// <summary>Stores <paramref name="value"/> (taking ownership) as the state tensor <paramref name="key"/>; returns what is stored.</summary>
    Tensor Set(string key, Tensor value);
}
