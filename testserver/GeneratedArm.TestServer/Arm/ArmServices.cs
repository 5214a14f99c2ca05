using GeneratedArm.TestServer.Arm.Throttling;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Arm;

/// <summary>The ARM side's per-emulator services: throttling buckets, the resource-group deletions in progress, validated tokens.</summary>
internal sealed class ArmServices(ArmOptions options, TimeProvider clock) : IDisposable
{
    public ArmOptions Options { get; } = options;
    public TokenBuckets Buckets { get; } = new(clock);
    public ResourceGroupDeletions Deletions { get; } = new(options, clock);
    public ValidatedTokenCache ValidatedTokens { get; } = new();

    /// <summary>Long-running operations of resource types learned from specs.</summary>
    public ProviderSpecs.ProviderOperations ProviderOperations { get; } = new(options.Providers, clock);

    public void Reset()
    {
        Buckets.Clear();
        Deletions.Clear();
        ProviderOperations.Clear();
        ValidatedTokens.Clear();
    }

    public void Dispose() => Deletions.Dispose();
}

/// <summary>
/// Resource-group deletions accepted (202) and not yet finished — ARM's deletion job. A deletion finishes when it has been polled
/// <see cref="ArmOptions.DeletionPolls"/> times (the polling handler) or when <see cref="ArmOptions.DeletionDuration"/> has passed on the
/// emulator's clock (a timer, so a <c>FakeTimeProvider</c> drives it); then the group and everything in it go
/// (<see cref="EmulatorState.DeleteResourceGroupCascade"/>). Nothing here runs on unrelated requests. The operation-results URL encodes
/// the group, so polls still answer after a restart, and <see cref="RecoverInterrupted"/> (start-up) finishes groups a previous run
/// left <c>Deleting</c>: their deletion was acknowledged, so it completes.
/// </summary>
internal sealed class ResourceGroupDeletions(ArmOptions options, TimeProvider clock) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.OrdinalIgnoreCase);

    private sealed class Pending(string subscriptionId, string name, DateTimeOffset acceptedAt)
    {
        public string SubscriptionId { get; } = subscriptionId;
        public string Name { get; } = name;
        public DateTimeOffset AcceptedAt { get; } = acceptedAt;
        public int Polls;
        public ITimer? Timer;
    }

    private static string Key(string subscriptionId, string name) => subscriptionId + "/" + name;

    /// <summary>Marks the group <c>Deleting</c> and starts its deletion (idempotent).</summary>
    public void Start(EmulatorState state, string subscriptionId, string name)
    {
        state.SetResourceGroupProvisioningState(subscriptionId, name, "Deleting");
        if (options.DeletionPolls <= 0)
        {
            Finish(state, subscriptionId, name);
            return;
        }
        lock (_gate)
        {
            if (_pending.ContainsKey(Key(subscriptionId, name))) return;
            var pending = new Pending(subscriptionId, name, clock.GetUtcNow());
            _pending[Key(subscriptionId, name)] = pending;
            pending.Timer = clock.CreateTimer(_ => FinishOnTime(state, pending), null, options.DeletionDuration, Timeout.InfiniteTimeSpan);
        }
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

    /// <summary>At start-up (and after a reset): finishes the groups a previous run left <c>Deleting</c> (durable state).</summary>
    public void RecoverInterrupted(EmulatorState state)
    {
        foreach (var subscription in state.Subscriptions)
        {
            foreach (var group in state.ListResourceGroups(subscription.SubscriptionId))
            {
                bool pending;
                lock (_gate) { pending = _pending.ContainsKey(Key(group.SubscriptionId, group.Name)); }
                if (!pending && string.Equals(group.ProvisioningState, "Deleting", StringComparison.OrdinalIgnoreCase))
                    Finish(state, group.SubscriptionId, group.Name);
            }
        }
    }

    private void FinishOnTime(EmulatorState state, Pending pending)
    {
        try
        {
            Finish(state, pending.SubscriptionId, pending.Name);
        }
        catch (IOException)
        {
            // The durable write failed: the group stays Deleting and finishes on its next poll or at the next start.
        }
    }

    private void Finish(EmulatorState state, string subscriptionId, string name)
    {
        lock (_gate)
        {
            if (_pending.Remove(Key(subscriptionId, name), out var pending)) pending.Timer?.Dispose();
        }
        state.DeleteResourceGroupCascade(subscriptionId, name);
    }

    public void Clear()
    {
        lock (_gate)
        {
            foreach (var pending in _pending.Values) pending.Timer?.Dispose();
            _pending.Clear();
        }
    }

    public void Dispose() => Clear();
}
