namespace GeneratedArm.TestServer.State;

/// <summary>
/// The emulator's mutable state: a small store with explicit, thread-safe operations (one lock; the data is small).
/// Each <see cref="AzureEmulator"/> owns one; nothing is static. ARM handlers and RBAC read and write through it.
/// </summary>
public sealed partial class EmulatorState
{
    private readonly Lock _gate = new();
    private readonly List<TenantInfo> _tenants = [];
    private readonly List<SubscriptionInfo> _subscriptions = [];
    // Keyed by "{subscription}/{name}" (case-insensitive), in creation order: lookups and writes stay O(1) as groups accumulate.
    private readonly OrderedDictionary<string, ResourceGroupInfo> _resourceGroups = new(Ci);
    private readonly List<VirtualMachineInfo> _virtualMachines = [];
    private readonly List<ManagedIdentityInfo> _userAssignedIdentities = [];
    private readonly List<RoleDefinitionInfo> _roleDefinitions = [];
    private readonly List<RoleAssignmentInfo> _roleAssignments = [];
    private string? _imdsVirtualMachineName;

    internal EmulatorState(EmulatorStateSnapshot initial) => Load(initial);

    private static readonly StringComparer Ci = StringComparer.OrdinalIgnoreCase;

    /// <summary>Replaces the whole state.</summary>
    public void Load(EmulatorStateSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        long ticket;
        lock (_gate)
        {
            Replace(_tenants, snapshot.Tenants);
            Replace(_subscriptions, snapshot.Subscriptions);
            _resourceGroups.Clear();
            foreach (var group in snapshot.ResourceGroups) _resourceGroups[GroupKey(group.SubscriptionId, group.Name)] = group;
            Replace(_virtualMachines, snapshot.VirtualMachines);
            Replace(_userAssignedIdentities, snapshot.UserAssignedIdentities);
            Replace(_roleDefinitions, snapshot.RoleDefinitions);
            Replace(_roleAssignments, snapshot.RoleAssignments);
            _imdsVirtualMachineName = snapshot.ImdsVirtualMachineName;
            LoadArm(snapshot);
            ticket = Journal([StateChange.Put(StateCollection.All, snapshot)]);
        }
        Commit(ticket);
    }

    /// <summary>A consistent copy of the whole state.</summary>
    public EmulatorStateSnapshot Snapshot() => Snapshot(out _);

    /// <summary>A consistent copy of the whole state and the journal ticket of the last change it contains.</summary>
    internal EmulatorStateSnapshot Snapshot(out long lastTicket)
    {
        lock (_gate)
        {
            lastTicket = StateJournal?.LastTicket ?? 0;
            return new EmulatorStateSnapshot
            {
                Tenants = [.. _tenants],
                Subscriptions = [.. _subscriptions],
                ResourceGroups = [.. _resourceGroups.Values],
                VirtualMachines = [.. _virtualMachines],
                UserAssignedIdentities = [.. _userAssignedIdentities],
                RoleDefinitions = [.. _roleDefinitions],
                RoleAssignments = [.. _roleAssignments],
                ImdsVirtualMachineName = _imdsVirtualMachineName,
                Resources = [.. _resources],
            };
        }
    }

    // ---- tenants & subscriptions -------------------------------------------------------------

    public IReadOnlyList<TenantInfo> Tenants { get { lock (_gate) { return [.. _tenants]; } } }

    public bool IsKnownTenant(string tenantId)
    {
        lock (_gate) { return _tenants.Exists(t => Ci.Equals(t.TenantId, tenantId)); }
    }

    public IReadOnlyList<SubscriptionInfo> Subscriptions { get { lock (_gate) { return [.. _subscriptions]; } } }

    public SubscriptionInfo? FindSubscription(string subscriptionId)
    {
        lock (_gate) { return _subscriptions.Find(s => Ci.Equals(s.SubscriptionId, subscriptionId)); }
    }

    // ---- resource groups ---------------------------------------------------------------------

    public IReadOnlyList<ResourceGroupInfo> ListResourceGroups(string subscriptionId)
    {
        lock (_gate) { return [.. _resourceGroups.Values.Where(g => Ci.Equals(g.SubscriptionId, subscriptionId))]; }
    }

    public ResourceGroupInfo? FindResourceGroup(string subscriptionId, string name)
    {
        lock (_gate) { return _resourceGroups.GetValueOrDefault(GroupKey(subscriptionId, name)); }
    }

    /// <summary>Creates or replaces a resource group (matched case-insensitively; the existing casing is kept). Returns true when created.</summary>
    public bool UpsertResourceGroup(ResourceGroupInfo group)
    {
        ArgumentNullException.ThrowIfNull(group);
        bool created;
        long ticket = NoChange;
        lock (_gate)
        {
            string key = GroupKey(group.SubscriptionId, group.Name);
            created = !_resourceGroups.TryGetValue(key, out var existing);
            var stored = existing is null ? group : group with { Name = existing.Name };
            if (created || !SameGroup(stored, existing!))
            {
                _resourceGroups[key] = stored;
                ticket = Journal([StateChange.Put(StateCollection.ResourceGroups, stored)]);
            }
        }
        Commit(ticket);
        return created;
    }

    public bool RemoveResourceGroup(string subscriptionId, string name)
    {
        long ticket = NoChange;
        lock (_gate)
        {
            if (_resourceGroups.Remove(GroupKey(subscriptionId, name), out var group))
                ticket = Journal([StateChange.Remove(StateCollection.ResourceGroups, group)]);
        }
        Commit(ticket);
        return ticket != NoChange;
    }

    private static string GroupKey(string subscriptionId, string name) => StateKeys.ResourceGroup(subscriptionId, name);

    // Records compare dictionaries by reference; a PUT that repeats the same tags is not a change.
    private static bool SameGroup(ResourceGroupInfo a, ResourceGroupInfo b) =>
        (a with { Tags = b.Tags }).Equals(b)
        && a.Tags.Count == b.Tags.Count
        && a.Tags.All(t => b.Tags.TryGetValue(t.Key, out var v) && string.Equals(v, t.Value, StringComparison.Ordinal));

    // ---- identities --------------------------------------------------------------------------

    public IReadOnlyList<VirtualMachineInfo> VirtualMachines { get { lock (_gate) { return [.. _virtualMachines]; } } }

    /// <summary>The VM whose IMDS the emulator plays, or null when the state has no VM.</summary>
    public VirtualMachineInfo? ImdsVirtualMachine
    {
        get
        {
            lock (_gate)
            {
                return _imdsVirtualMachineName is null
                    ? _virtualMachines.FirstOrDefault()
                    : _virtualMachines.Find(v => Ci.Equals(v.Name, _imdsVirtualMachineName));
            }
        }
    }

    /// <summary>Makes IMDS answer as another VM of the state (its identities, its instance metadata).</summary>
    public void UseVirtualMachineForImds(string name)
    {
        long ticket = NoChange;
        lock (_gate)
        {
            if (!_virtualMachines.Exists(v => Ci.Equals(v.Name, name))) throw new InvalidOperationException($"No virtual machine named '{name}'.");
            if (!string.Equals(_imdsVirtualMachineName, name, StringComparison.Ordinal))
            {
                _imdsVirtualMachineName = name;
                ticket = Journal([StateChange.Put(StateCollection.ImdsVirtualMachine, name)]);
            }
        }
        Commit(ticket);
    }

    public IReadOnlyList<ManagedIdentityInfo> UserAssignedIdentities { get { lock (_gate) { return [.. _userAssignedIdentities]; } } }

    /// <summary>Every identity: VMs' system-assigned ones and the user-assigned ones.</summary>
    public IReadOnlyList<ManagedIdentityInfo> AllIdentities
    {
        get
        {
            lock (_gate)
            {
                return [.. _virtualMachines.Where(v => v.SystemAssignedIdentity is not null).Select(v => v.SystemAssignedIdentity!), .. _userAssignedIdentities];
            }
        }
    }

    /// <summary>The identities attached to a VM: its system-assigned one (if any) first, then its user-assigned ones.</summary>
    public IReadOnlyList<ManagedIdentityInfo> IdentitiesOf(VirtualMachineInfo vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        lock (_gate)
        {
            var result = new List<ManagedIdentityInfo>();
            if (vm.SystemAssignedIdentity is not null) result.Add(vm.SystemAssignedIdentity);
            foreach (var id in vm.UserAssignedIdentityIds)
            {
                var uami = _userAssignedIdentities.Find(u => Ci.Equals(u.ResourceId, id));
                if (uami is not null) result.Add(uami);
            }
            return result;
        }
    }

    public void AddUserAssignedIdentity(ManagedIdentityInfo identity, string? attachToVirtualMachine = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        long ticket;
        lock (_gate)
        {
            int vm = attachToVirtualMachine is null ? -1 : _virtualMachines.FindIndex(v => Ci.Equals(v.Name, attachToVirtualMachine));
            if (attachToVirtualMachine is not null && vm < 0) throw new InvalidOperationException($"No virtual machine named '{attachToVirtualMachine}'.");
            var changes = new List<StateChange>();
            RemoveWhere(_userAssignedIdentities, u => Ci.Equals(u.ResourceId, identity.ResourceId), StateCollection.UserAssignedIdentities, changes);
            _userAssignedIdentities.Add(identity);
            changes.Add(StateChange.Put(StateCollection.UserAssignedIdentities, identity));
            if (vm >= 0)
            {
                _virtualMachines[vm] = _virtualMachines[vm] with { UserAssignedIdentityIds = [.. _virtualMachines[vm].UserAssignedIdentityIds, identity.ResourceId] };
                changes.Add(StateChange.Put(StateCollection.VirtualMachines, _virtualMachines[vm]));
            }
            ticket = Journal(changes);
        }
        Commit(ticket);
    }

    // ---- RBAC --------------------------------------------------------------------------------

    public IReadOnlyList<RoleDefinitionInfo> RoleDefinitions { get { lock (_gate) { return [.. _roleDefinitions]; } } }

    public RoleDefinitionInfo? FindRoleDefinition(string roleDefinitionIdOrGuid)
    {
        string guid = roleDefinitionIdOrGuid[(roleDefinitionIdOrGuid.LastIndexOf('/') + 1)..];
        lock (_gate) { return _roleDefinitions.Find(r => Ci.Equals(r.Id, guid)); }
    }

    public IReadOnlyList<RoleAssignmentInfo> RoleAssignments { get { lock (_gate) { return [.. _roleAssignments]; } } }

    public IReadOnlyList<RoleAssignmentInfo> RoleAssignmentsOf(string principalId)
    {
        lock (_gate) { return _roleAssignments.FindAll(a => Ci.Equals(a.PrincipalId, principalId)); }
    }

    public void AddRoleAssignment(RoleAssignmentInfo assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        long ticket;
        lock (_gate)
        {
            var changes = new List<StateChange>();
            RemoveWhere(_roleAssignments, a => Ci.Equals(a.Name, assignment.Name), StateCollection.RoleAssignments, changes);
            _roleAssignments.Add(assignment);
            changes.Add(StateChange.Put(StateCollection.RoleAssignments, assignment));
            ticket = Journal(changes);
        }
        Commit(ticket);
    }

    public bool RemoveRoleAssignment(string name)
    {
        long ticket;
        lock (_gate)
        {
            var changes = new List<StateChange>();
            RemoveWhere(_roleAssignments, a => Ci.Equals(a.Name, name), StateCollection.RoleAssignments, changes);
            ticket = Journal(changes);
        }
        Commit(ticket);
        return ticket != NoChange;
    }

    private static void Replace<T>(List<T> target, IEnumerable<T> source)
    {
        target.Clear();
        target.AddRange(source);
    }
}
