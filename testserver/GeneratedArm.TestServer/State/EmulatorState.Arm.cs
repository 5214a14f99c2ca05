using System.Text.Json;
using GeneratedArm.TestServer.State.Persistence;

namespace GeneratedArm.TestServer.State;

/// <summary>
/// A resource of any type under a resource group, stored as its PUT body (see the ARM side's documentation, testserver/ARM.md).
/// <see cref="Id"/> keeps the creation casing; <see cref="Type"/> is the full type (<c>Microsoft.Network/virtualNetworks/subnets</c>)
/// and <see cref="Name"/> the last name segment, as ARM reports them.
/// </summary>
public sealed record GenericResourceInfo(string Id, string Type, string Name, string SubscriptionId, string ResourceGroup, JsonElement Body);

// The ARM side's operations on the state: generic resources, resource-group deletion with everything it contains,
// role assignments scoped inside. Same lock and same rules as the rest of EmulatorState.
public sealed partial class EmulatorState
{
    private readonly List<GenericResourceInfo> _resources = [];

    /// <summary>
    /// Called after every real change (not after a write that leaves the state as it was), outside the lock; durable state writes the
    /// change before the request is answered.
    /// </summary>
    internal Action? Changed { get; set; }

    /// <summary>Where changes go to be made durable (the data directory's journal), or null in memory.</summary>
    internal IStateJournal? StateJournal { get; set; }

    /// <summary>The ticket of an operation that changed nothing.</summary>
    private const long NoChange = -1;

    /// <summary>Inside the lock, in the order changes are applied: hands them to the journal. <see cref="NoChange"/> when empty.</summary>
    private long Journal(List<StateChange> changes) => changes.Count == 0 ? NoChange : StateJournal?.Append(changes) ?? 0;

    /// <summary>Outside the lock: waits until the change is durable (so the request is answered after it), then raises <see cref="Changed"/>.</summary>
    private void Commit(long ticket)
    {
        if (ticket == NoChange) return;
        if (ticket > 0) StateJournal?.WaitDurable(ticket);
        Changed?.Invoke();
    }

    /// <summary>Removes the matching entities and records their removal.</summary>
    private static void RemoveWhere<T>(List<T> list, Predicate<T> match, StateCollection collection, List<StateChange> changes) where T : notnull
    {
        foreach (var item in list.FindAll(match)) changes.Add(StateChange.Remove(collection, item));
        list.RemoveAll(match);
    }

    private void LoadArm(EmulatorStateSnapshot snapshot) => Replace(_resources, snapshot.Resources ?? []);

    /// <summary>All generic resources.</summary>
    public IReadOnlyList<GenericResourceInfo> Resources { get { lock (_gate) { return [.. _resources]; } } }

    /// <summary>The resource with this id (case-insensitive), or null.</summary>
    public GenericResourceInfo? FindResource(string id)
    {
        lock (_gate) { return _resources.Find(r => Ci.Equals(r.Id, id)); }
    }

    /// <summary>Creates or replaces a resource; an existing one keeps its id casing. Returns the stored resource and whether it was created.</summary>
    public (GenericResourceInfo Resource, bool Created) UpsertResource(GenericResourceInfo resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        (GenericResourceInfo Resource, bool Created) result;
        long ticket;
        lock (_gate)
        {
            int i = _resources.FindIndex(r => Ci.Equals(r.Id, resource.Id));
            if (i < 0)
            {
                _resources.Add(resource);
                result = (resource, true);
            }
            else
            {
                var existing = _resources[i];
                _resources[i] = resource with { Id = existing.Id, Name = existing.Name, Type = existing.Type, ResourceGroup = existing.ResourceGroup };
                result = (_resources[i], false);
            }
            ticket = Journal([StateChange.Put(StateCollection.Resources, result.Resource)]);
        }
        Commit(ticket);
        return result;
    }

    /// <summary>Deletes a resource, its child resources and the role assignments scoped at or below it. True when it existed.</summary>
    public bool RemoveResource(string id)
    {
        long ticket;
        lock (_gate)
        {
            var changes = new List<StateChange>();
            RemoveWhere(_resources, r => Ci.Equals(r.Id, id), StateCollection.Resources, changes);
            if (changes.Count > 0)
            {
                RemoveWhere(_resources, r => IsBelow(r.Id, id), StateCollection.Resources, changes);
                RemoveWhere(_roleAssignments, a => Ci.Equals(a.Scope, id) || IsBelow(a.Scope, id), StateCollection.RoleAssignments, changes);
            }
            ticket = Journal(changes);
        }
        Commit(ticket);
        return ticket != NoChange;
    }

    /// <summary>Sets a resource group's provisioning state (e.g. <c>Deleting</c>); false when the group does not exist.</summary>
    public bool SetResourceGroupProvisioningState(string subscriptionId, string name, string provisioningState)
    {
        long ticket;
        lock (_gate)
        {
            string key = GroupKey(subscriptionId, name);
            if (!_resourceGroups.TryGetValue(key, out var group)) return false;
            if (string.Equals(group.ProvisioningState, provisioningState, StringComparison.Ordinal)) return true;
            _resourceGroups[key] = group with { ProvisioningState = provisioningState };
            ticket = Journal([StateChange.Put(StateCollection.ResourceGroups, _resourceGroups[key])]);
        }
        Commit(ticket);
        return true;
    }

    /// <summary>
    /// Deletes a resource group with everything in it, as ARM's resource-group deletion job does: its resources, its virtual machines
    /// (and their system-assigned identities), its user-assigned identities, and every role assignment scoped at or below it.
    /// True when the group existed.
    /// </summary>
    public bool DeleteResourceGroupCascade(string subscriptionId, string name)
    {
        long ticket = NoChange;
        lock (_gate)
        {
            if (_resourceGroups.Remove(GroupKey(subscriptionId, name), out var group))
            {
                string id = group.Id;
                var changes = new List<StateChange> { StateChange.Remove(StateCollection.ResourceGroups, group) };
                RemoveWhere(_resources, r => IsBelow(r.Id, id), StateCollection.Resources, changes);
                RemoveWhere(_virtualMachines, v => Ci.Equals(v.SubscriptionId, subscriptionId) && Ci.Equals(v.ResourceGroup, name), StateCollection.VirtualMachines, changes);
                RemoveWhere(_userAssignedIdentities, u => IsBelow(u.ResourceId, id), StateCollection.UserAssignedIdentities, changes);
                RemoveWhere(_roleAssignments, a => Ci.Equals(a.Scope, id) || IsBelow(a.Scope, id), StateCollection.RoleAssignments, changes);
                ticket = Journal(changes);
            }
        }
        Commit(ticket);
        return ticket != NoChange;
    }

    /// <summary>Adds a role assignment unless one with the same name exists; returns the stored one and whether it was created.</summary>
    public (RoleAssignmentInfo Assignment, bool Created) AddRoleAssignmentIfAbsent(RoleAssignmentInfo assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        long ticket;
        lock (_gate)
        {
            var existing = _roleAssignments.Find(a => Ci.Equals(a.Name, assignment.Name));
            if (existing is not null) return (existing, false);
            _roleAssignments.Add(assignment);
            ticket = Journal([StateChange.Put(StateCollection.RoleAssignments, assignment)]);
        }
        Commit(ticket);
        return (assignment, true);
    }

    /// <summary>The role assignment with this name (a GUID, unique across scopes as in Azure), or null.</summary>
    public RoleAssignmentInfo? FindRoleAssignment(string name)
    {
        lock (_gate) { return _roleAssignments.Find(a => Ci.Equals(a.Name, name)); }
    }

    /// <summary>True when <paramref name="id"/> is strictly below <paramref name="parent"/> (segment-wise, case-insensitive).</summary>
    private static bool IsBelow(string id, string parent) =>
        id.Length > parent.Length + 1 && id.StartsWith(parent, StringComparison.OrdinalIgnoreCase) && id[parent.Length] == '/';
}
