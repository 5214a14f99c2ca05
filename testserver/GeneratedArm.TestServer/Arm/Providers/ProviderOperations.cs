using System.Text;
using System.Text.Json;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Arm.ProviderSpecs;

/// <summary>What a long-running operation does when it finishes.</summary>
internal enum ProviderOperationKind
{
    /// <summary>PUT or PATCH: the resource's provisioning state becomes <c>Succeeded</c> (or <c>Failed</c>).</summary>
    Write,
    /// <summary>DELETE: the resource (and its children) go.</summary>
    Delete,
    /// <summary>POST action: the result is the action's answer.</summary>
    Action,
}

/// <summary>A long-running operation's state as its status URL reports it.</summary>
internal sealed record ProviderOperationStatus(string Status, ProviderOperationKind Kind, string ResourceId, DateTimeOffset? StartTime, DateTimeOffset? EndTime,
    string? ErrorCode, string? ErrorMessage, JsonElement? Result, int ResultStatus);

/// <summary>
/// The long-running operations of spec-learned resource types (azure-resource-manager-rpc async-api-reference.md; facts §3.4):
/// each finishes after <see cref="ProviderOptions.OperationPolls"/> polls of its <c>Azure-AsyncOperation</c> or <c>Location</c> URL,
/// or once <see cref="ProviderOptions.OperationDuration"/> has passed on the emulator's clock. The operation id is base64url JSON of
/// what it acts on, so a poll after a restart (durable state) still answers: an operation the emulator no longer tracks has finished.
/// </summary>
internal sealed class ProviderOperations(ProviderOptions options, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly List<ProvisioningFailure> _failures = [.. options.Failures];

    // Operations not finished yet. Finished ones stay in _pending (their status and result are still polled), so this, not
    // _pending.Count, is what lets Advance — called before every ARM request — return without the lock or a scan.
    private int _unfinished;

    private sealed class Pending(ProviderOperationKind kind, string resourceId, DateTimeOffset startTime, ProvisioningFailure? failure, JsonElement? result, int resultStatus)
    {
        public ProviderOperationKind Kind { get; } = kind;
        public string ResourceId { get; } = resourceId;
        public DateTimeOffset StartTime { get; } = startTime;
        public ProvisioningFailure? Failure { get; } = failure;
        public JsonElement? Result { get; } = result;
        public int ResultStatus { get; } = resultStatus;
        public int Polls;
        public DateTimeOffset? EndTime;
    }


    /// <summary>Starts an operation; returns its id (used in the status and result URLs).</summary>
    public string Start(EmulatorState state, ProviderOperationKind kind, string resourceId, JsonElement? result = null, int resultStatus = 200)
    {
        string id = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new ProviderOperationToken(Guid.NewGuid().ToString(), kind, resourceId), TokenJson.Default.ProviderOperationToken));
        var failure = TakeFailure(resourceId);
        lock (_gate)
        {
            _pending[id] = new Pending(kind, resourceId, clock.GetUtcNow(), failure, result, resultStatus);
            _unfinished++;
        }
        if (options.OperationPolls <= 0) Finish(state, id);
        return id;
    }

    /// <summary>A poll: counts it, finishes the operation when due, and reports where it stands (null: not an id the emulator issued).</summary>
    public ProviderOperationStatus? Poll(EmulatorState state, string id)
    {
        Pending? pending;
        bool due = false;
        lock (_gate)
        {
            // Polls answered "in progress" first (as resource-group deletions count them), then the one that finishes.
            if (_pending.TryGetValue(id, out pending) && pending.EndTime is null)
            {
                due = pending.Polls >= options.OperationPolls || clock.GetUtcNow() - pending.StartTime >= options.OperationDuration;
                pending.Polls++;
            }
        }
        if (pending is null)
        {
            var token = Decode(id);
            return token is null ? null : new ProviderOperationStatus("Succeeded", token.Kind, token.Resource, null, null, null, null, null, 200);
        }
        if (due) Finish(state, id);
        return Describe(pending);
    }

    /// <summary>Finishes operations whose time is up (called before every ARM request; free while none is unfinished).</summary>
    public void Advance(EmulatorState state)
    {
        if (Volatile.Read(ref _unfinished) == 0) return;
        List<string> due;
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            due = [.. _pending.Where(p => p.Value.EndTime is null && now - p.Value.StartTime >= options.OperationDuration).Select(p => p.Key)];
        }
        foreach (string id in due) Finish(state, id);
    }

    public void Clear()
    {
        lock (_gate)
        {
            _pending.Clear();
            _unfinished = 0;
            _failures.Clear();
            _failures.AddRange(options.Failures);
        }
    }

    private void Finish(EmulatorState state, string id)
    {
        Pending pending;
        lock (_gate)
        {
            if (!_pending.TryGetValue(id, out pending!) || pending.EndTime is not null) return;
            pending.EndTime = clock.GetUtcNow();
            _unfinished--;
        }
        bool failed = pending.Failure is not null;
        switch (pending.Kind)
        {
            case ProviderOperationKind.Write:
                if (state.FindResource(pending.ResourceId) is { } resource)
                    state.UpsertResource(resource with { Body = ServerFields.WithProvisioningState(resource.Body, failed ? "Failed" : "Succeeded") });
                break;
            case ProviderOperationKind.Delete:
                if (failed && state.FindResource(pending.ResourceId) is { } kept)
                    state.UpsertResource(kept with { Body = ServerFields.WithProvisioningState(kept.Body, "Failed") });
                else if (!failed) state.RemoveResource(pending.ResourceId);
                break;
        }
    }

    private static ProviderOperationStatus Describe(Pending p) =>
        new(p.EndTime is null ? "InProgress" : p.Failure is null ? "Succeeded" : "Failed", p.Kind, p.ResourceId, p.StartTime, p.EndTime,
            p.EndTime is null ? null : p.Failure?.Code, p.EndTime is null ? null : p.Failure?.Message, p.Result, p.ResultStatus);

    private ProvisioningFailure? TakeFailure(string resourceId)
    {
        lock (_gate)
        {
            for (int i = 0; i < _failures.Count; i++)
            {
                var rule = _failures[i];
                if (rule.Count <= 0 || !Faults.FaultEngine.PathMatches(rule.PathPattern, resourceId)) continue;
                _failures[i] = rule with { Count = rule.Count - 1 };
                return rule;
            }
        }
        return null;
    }

    private static ProviderOperationToken? Decode(string id)
    {
        try
        {
            string padded = id.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            return JsonSerializer.Deserialize(Convert.FromBase64String(padded), TokenJson.Default.ProviderOperationToken);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>What an operation id encodes: the operation, what it does and the resource it acts on.</summary>
internal sealed record ProviderOperationToken(string Op, ProviderOperationKind Kind, string Resource);

[System.Text.Json.Serialization.JsonSerializable(typeof(ProviderOperationToken))]
internal sealed partial class TokenJson : System.Text.Json.Serialization.JsonSerializerContext;
