namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>Whether <see cref="MdpScm.Run"/> frees each step's tensors as it goes.</summary>
public enum StepMemory
{
    /// <summary>
    /// Free them unless an installed handler keeps site values (<see cref="Ppl.Handlers.HandlerStack.RetainsValues"/>,
    /// e.g. a trace): the default, right for any handler that declares what it does.
    /// </summary>
    AskHandlers,

    /// <summary>Free each step's tensors when the step is done: a long batched run holds one step at a time.</summary>
    FreeEachStep,

    /// <summary>Keep every step's tensors in the caller's dispose scope, e.g. for a recorder that does not declare retention.</summary>
    KeepAll,
}
