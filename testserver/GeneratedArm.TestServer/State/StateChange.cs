namespace GeneratedArm.TestServer.State;

/// <summary>The parts of the state a change can touch (the durable journal's record kinds).</summary>
internal enum StateCollection
{
    /// <summary>The whole state replaced (load, reset): <see cref="StateChange.Value"/> is an <see cref="EmulatorStateSnapshot"/>.</summary>
    All,
    ResourceGroups,
    VirtualMachines,
    UserAssignedIdentities,
    RoleAssignments,
    Resources,
    /// <summary>The VM IMDS plays: <see cref="StateChange.Value"/> is its name.</summary>
    ImdsVirtualMachine,
}

/// <summary>
/// One entity written (<see cref="Value"/> the new value: replaced in place, or appended when new) or removed (<see cref="Value"/> null),
/// identified by <see cref="Key"/> (<see cref="StateKeys"/>). A state operation describes its effect as a list of these, so the
/// durable store appends what changed instead of rewriting the whole state.
/// </summary>
internal sealed record StateChange(StateCollection Collection, string Key, object? Value)
{
    public static StateChange Put(StateCollection collection, object value) => new(collection, StateKeys.Of(collection, value), value);

    public static StateChange Remove(StateCollection collection, object value) => new(collection, StateKeys.Of(collection, value), null);
}

/// <summary>How each collection's entities are identified (case-insensitive, as ARM matches names and ids).</summary>
internal static class StateKeys
{
    public static readonly StringComparer Comparer = StringComparer.OrdinalIgnoreCase;

    public static string Of(StateCollection collection, object value) => value switch
    {
        ResourceGroupInfo g => ResourceGroup(g.SubscriptionId, g.Name),
        VirtualMachineInfo v => v.SubscriptionId + "/" + v.ResourceGroup + "/" + v.Name,
        ManagedIdentityInfo i => i.ResourceId,
        RoleAssignmentInfo a => a.Name,
        GenericResourceInfo r => r.Id,
        string name when collection == StateCollection.ImdsVirtualMachine => name,
        EmulatorStateSnapshot => "",
        _ => throw new ArgumentException($"No key for a {value.GetType().Name} in {collection}.", nameof(value)),
    };

    public static string ResourceGroup(string subscriptionId, string name) => subscriptionId + "/" + name;
}
