namespace Ppl.Causal.SchemaNetworks;

/// <summary>What an active schema predicts.</summary>
public enum SchemaEffect
{
    /// <summary>The target attribute of the schema's entity is 1 at the next step.</summary>
    TurnsOn,

    /// <summary>The target attribute of the schema's entity changes from 1 to 0: it stops the attribute's self-transition.</summary>
    TurnsOff,

    /// <summary>The target reward is received at the next step (a reward is the OR of its schemas over all entities).</summary>
    Reward,
}
