using System.Text.Json;
using GeneratedArm.TestServer.Hosting;

namespace GeneratedArm.TestServer.State.Persistence;

/// <summary>
/// The journal's line format and its replay. One line per state operation:
/// <c>{"t":ticket,"changes":[{"c":"resourceGroups","k":"{sub}/{name}","v":{…}}, {"c":"resources","k":"/subscriptions/…"}]}</c> —
/// a change with <c>v</c> writes that entity (replaced in place, or appended when new), one without removes it; <c>"c":"all"</c>
/// replaces the whole state.
/// </summary>
internal static class JournalReplay
{
    private static readonly Dictionary<string, StateCollection> s_byName = Enum.GetValues<StateCollection>().ToDictionary(Name, c => c, StringComparer.Ordinal);

    private static string Name(StateCollection collection) => JsonNamingPolicy.CamelCase.ConvertName(collection.ToString());

    private static Type ValueType(StateCollection collection) => collection switch
    {
        StateCollection.All => typeof(EmulatorStateSnapshot),
        StateCollection.ResourceGroups => typeof(ResourceGroupInfo),
        StateCollection.VirtualMachines => typeof(VirtualMachineInfo),
        StateCollection.UserAssignedIdentities => typeof(ManagedIdentityInfo),
        StateCollection.RoleAssignments => typeof(RoleAssignmentInfo),
        StateCollection.Resources => typeof(GenericResourceInfo),
        StateCollection.ImdsVirtualMachine => typeof(string),
        _ => throw new ArgumentOutOfRangeException(nameof(collection)),
    };

    public static void WriteLine(Stream destination, long ticket, IReadOnlyList<StateChange> changes, JsonSerializerOptions options)
    {
        using (var writer = new Utf8JsonWriter(destination, new JsonWriterOptions { Encoder = options.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("t", ticket);
            writer.WriteStartArray("changes");
            foreach (var change in changes)
            {
                writer.WriteStartObject();
                writer.WriteString("c", Name(change.Collection));
                writer.WriteString("k", change.Key);
                if (change.Value is { } value)
                {
                    writer.WritePropertyName("v");
                    JsonSerializer.Serialize(writer, value, ValueType(change.Collection), options);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        destination.WriteByte((byte)'\n');
    }

    /// <summary>
    /// The snapshot with the journal's operations applied in order. A last line without its newline is a write cut short by the
    /// process's death (never acknowledged) and is skipped; any other unreadable line is an error.
    /// </summary>
    public static EmulatorStateSnapshot Apply(EmulatorStateSnapshot snapshot, string journalPath)
    {
        var state = new ReplayState(snapshot);
        byte[] bytes = File.ReadAllBytes(journalPath);
        int start = 0, line = 0;
        while (start < bytes.Length)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0) break; // torn tail
            line++;
            try
            {
                using var document = JsonDocument.Parse(bytes.AsMemory(start, end - start));
                foreach (var change in document.RootElement.GetProperty("changes").EnumerateArray()) state.Apply(ReadChange(change));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new InvalidDataException($"'{journalPath}' line {line} is not a journal record: {e.Message}", e);
            }
            start = end + 1;
        }
        return state.ToSnapshot();
    }

    private static StateChange ReadChange(JsonElement change)
    {
        var collection = s_byName[change.GetProperty("c").GetString()!];
        string key = change.GetProperty("k").GetString()!;
        object? value = change.TryGetProperty("v", out var v)
            ? v.Deserialize(ValueType(collection), EmulatorJson.Options) ?? throw new InvalidOperationException($"A {collection} change without a value.")
            : null;
        return new StateChange(collection, key, value);
    }

    /// <summary>The state as keyed, ordered collections while the journal is applied.</summary>
    private sealed class ReplayState
    {
        private EmulatorStateSnapshot _base;
        private readonly Dictionary<StateCollection, OrderedDictionary<string, object>> _collections = [];
        private string? _imdsVirtualMachineName;

        public ReplayState(EmulatorStateSnapshot snapshot)
        {
            _base = snapshot;
            Reset(snapshot);
        }

        private void Reset(EmulatorStateSnapshot snapshot)
        {
            _base = snapshot;
            _imdsVirtualMachineName = snapshot.ImdsVirtualMachineName;
            Fill(StateCollection.ResourceGroups, snapshot.ResourceGroups);
            Fill(StateCollection.VirtualMachines, snapshot.VirtualMachines);
            Fill(StateCollection.UserAssignedIdentities, snapshot.UserAssignedIdentities);
            Fill(StateCollection.RoleAssignments, snapshot.RoleAssignments);
            Fill(StateCollection.Resources, snapshot.Resources ?? []);
        }

        private void Fill<T>(StateCollection collection, IEnumerable<T> items) where T : notnull
        {
            var map = new OrderedDictionary<string, object>(StateKeys.Comparer);
            foreach (var item in items) map[StateKeys.Of(collection, item)] = item;
            _collections[collection] = map;
        }

        public void Apply(StateChange change)
        {
            switch (change.Collection)
            {
                case StateCollection.All:
                    Reset((EmulatorStateSnapshot)change.Value!);
                    break;
                case StateCollection.ImdsVirtualMachine:
                    _imdsVirtualMachineName = (string?)change.Value;
                    break;
                default:
                    var map = _collections[change.Collection];
                    if (change.Value is null) map.Remove(change.Key);
                    else map[change.Key] = change.Value;
                    break;
            }
        }

        public EmulatorStateSnapshot ToSnapshot() => _base with
        {
            ResourceGroups = Items<ResourceGroupInfo>(StateCollection.ResourceGroups),
            VirtualMachines = Items<VirtualMachineInfo>(StateCollection.VirtualMachines),
            UserAssignedIdentities = Items<ManagedIdentityInfo>(StateCollection.UserAssignedIdentities),
            RoleAssignments = Items<RoleAssignmentInfo>(StateCollection.RoleAssignments),
            Resources = Items<GenericResourceInfo>(StateCollection.Resources),
            ImdsVirtualMachineName = _imdsVirtualMachineName,
        };

        private List<T> Items<T>(StateCollection collection) => [.. _collections[collection].Values.Cast<T>()];
    }
}
