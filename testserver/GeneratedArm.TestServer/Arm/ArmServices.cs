using GeneratedArm.TestServer.Arm.Throttling;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Arm;

/// <summary>The ARM side's per-emulator services: throttling buckets and the resource-group deletions in progress.</summary>
internal sealed class ArmServices(ArmOptions options, TimeProvider clock)
{
    public ArmOptions Options { get; } = options;
    public TokenBuckets Buckets { get; } = new(clock);
    public ResourceGroupDeletions Deletions { get; } = new(options, clock);

    /// <summary>Long-running operations of resource types learned from specs.</summary>
    public ProviderSpecs.ProviderOperations ProviderOperations { get; } = new(options.Providers, clock);

    public void Reset()
    {
        Buckets.Clear();
        Deletions.Clear();
        ProviderOperations.Clear();
    }
}

/// <summary>
/// Resource-group deletions accepted (202) and not yet finished. A deletion finishes when it has been polled
/// <see cref="ArmOptions.DeletionPolls"/> times or <see cref="ArmOptions.DeletionDuration"/> has passed; then the group and
/// everything in it go (<see cref="EmulatorState.DeleteResourceGroupCascade"/>). The operation-results URL encodes the group,
/// so polls still answer after a restart (a group left <c>Deleting</c> on disk finishes on its next poll or observation).
/// </summary>
internal sealed class ResourceGroupDeletions(ArmOptions options, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.OrdinalIgnoreCase);
    private volatile bool _recovered;

    private sealed class Pending(string subscriptionId, string name, DateTimeOffset acceptedAt)
    {
        public string SubscriptionId { get; } = subscriptionId;
        public string Name { get; } = name;
        public DateTimeOffset AcceptedAt { get; } = acceptedAt;
        public int Polls;
    }

    private static string Key(string subscriptionId, string name) => subscriptionId + "/" + name;

    /// <summary>Marks the group <c>Deleting</c> and starts its deletion (idempotent).</summary>
    public void Start(EmulatorState state, string subscriptionId, string name)
    {
        lock (_gate)
        {
            if (!_pending.ContainsKey(Key(subscriptionId, name)))
                _pending[Key(subscriptionId, name)] = new Pending(subscriptionId, name, clock.GetUtcNow());
        }
        state.SetResourceGroupProvisioningState(subscriptionId, name, "Deleting");
        if (options.DeletionPolls <= 0) Finish(state, subscriptionId, name);
    }

    /// <summary>A poll of the deletion's operation-results URL: true when the deletion has finished (answer 200), false while it runs (202).</summary>
    public bool Poll(EmulatorState state, string subscriptionId, string name)
    {
        var group = state.FindResourceGroup(subscriptionId, name);
        if (group is null || !string.Equals(group.ProvisioningState, "Deleting", StringComparison.OrdinalIgnoreCase))
            return group is null;
        bool finish;
        lock (_gate)
        {
            if (!_pending.TryGetValue(Key(subscriptionId, name), out var pending))
            {
                finish = true; // accepted before a restart: nothing left to wait for
            }
            else
            {
                finish = pending.Polls >= options.DeletionPolls || clock.GetUtcNow() - pending.AcceptedAt >= options.DeletionDuration;
                pending.Polls++;
            }
        }
        if (!finish) return false;
        Finish(state, subscriptionId, name);
        return true;
    }

    /// <summary>
    /// Finishes deletions whose time is up (called at the start of every ARM request). The first call also finishes groups left
    /// <c>Deleting</c> by a previous run (durable state): their deletion was acknowledged, so it completes.
    /// </summary>
    public void Advance(EmulatorState state)
    {
        if (!_recovered)
        {
            _recovered = true;
            foreach (var group in state.Subscriptions.SelectMany(s => state.ListResourceGroups(s.SubscriptionId)).ToList())
            {
                bool pending;
                lock (_gate) { pending = _pending.ContainsKey(Key(group.SubscriptionId, group.Name)); }
                if (!pending && string.Equals(group.ProvisioningState, "Deleting", StringComparison.OrdinalIgnoreCase))
                    Finish(state, group.SubscriptionId, group.Name);
            }
        }
        List<Pending> due;
        lock (_gate)
        {
            if (_pending.Count == 0) return;
            var now = clock.GetUtcNow();
            due = _pending.Values.Where(p => now - p.AcceptedAt >= options.DeletionDuration).ToList();
        }
        foreach (var p in due) Finish(state, p.SubscriptionId, p.Name);
    }

    private void Finish(EmulatorState state, string subscriptionId, string name)
    {
        lock (_gate) { _pending.Remove(Key(subscriptionId, name)); }
        state.DeleteResourceGroupCascade(subscriptionId, name);
    }

    public void Clear()
    {
        lock (_gate) { _pending.Clear(); }
        _recovered = false;
    }
}
