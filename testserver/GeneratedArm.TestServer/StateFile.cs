using System.Text.Json;
using GeneratedArm.TestServer.Faults;
using GeneratedArm.TestServer.Hosting;

namespace GeneratedArm.TestServer;

/// <summary>
/// The standalone emulator's JSON state file: additions to the tutorial's state (or a replacement, with <see cref="ReplaceDefaults"/>),
/// applied through the same <see cref="EmulatorBuilder"/> calls the in-process API offers. Unknown properties are errors.
/// </summary>
public sealed class StateFile
{
    public bool ReplaceDefaults { get; init; }
    public TimeSpan? TokenLifetime { get; init; }
    public TimeSpan? ClockSkew { get; init; }
    public bool? ImdsRateLimits { get; init; }
    public IReadOnlyList<TenantEntry> Tenants { get; init; } = [];
    public IReadOnlyList<SubscriptionEntry> Subscriptions { get; init; } = [];
    public IReadOnlyList<ResourceGroupEntry> ResourceGroups { get; init; } = [];
    public IReadOnlyList<VirtualMachineEntry> VirtualMachines { get; init; } = [];
    public IReadOnlyList<UserAssignedIdentityEntry> UserAssignedIdentities { get; init; } = [];
    public IReadOnlyList<RoleAssignmentEntry> RoleAssignments { get; init; } = [];
    public IReadOnlyList<FaultRule> Faults { get; init; } = [];

    public sealed record TenantEntry(string TenantId, string DisplayName = "Default Directory");
    public sealed record SubscriptionEntry(string SubscriptionId, string? TenantId = null, string DisplayName = "Emulated Subscription");
    public sealed record ResourceGroupEntry(string Name, string Location = TutorialDefaults.Location, string? SubscriptionId = null);
    public sealed record VirtualMachineEntry(string Name, bool SystemAssignedIdentity = true, string ResourceGroup = TutorialDefaults.ResourceGroupName,
        string Location = TutorialDefaults.Location, bool UseForImds = false, string? SubscriptionId = null, string? PrincipalId = null, string? ClientId = null, string? VmId = null);
    public sealed record UserAssignedIdentityEntry(string Name, string? ClientId = null, string? PrincipalId = null,
        string ResourceGroup = TutorialDefaults.ResourceGroupName, bool AttachToVirtualMachine = true, string? SubscriptionId = null);
    public sealed record RoleAssignmentEntry(string PrincipalId, string RoleDefinitionId, string Scope, string? Name = null);

    private static readonly JsonSerializerOptions s_options = new(EmulatorJson.Options)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public static StateFile Parse(string json) =>
        JsonSerializer.Deserialize<StateFile>(json, s_options) ?? throw new JsonException("The state file is empty.");

    public static StateFile Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"State file '{path}' is not valid: {e.Message}", e);
        }
    }

    public void ApplyTo(EmulatorBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (ReplaceDefaults) builder.StartEmpty();
        if (TokenLifetime is { } lifetime) builder.WithTokenLifetime(lifetime);
        if (ClockSkew is { } skew) builder.WithClockSkew(skew);
        if (ImdsRateLimits is { } limits) builder.EnableImdsRateLimits(limits);
        foreach (var t in Tenants) builder.AddTenant(t.TenantId, t.DisplayName);
        foreach (var s in Subscriptions) builder.AddSubscription(s.SubscriptionId, s.TenantId, s.DisplayName);
        foreach (var g in ResourceGroups) builder.AddResourceGroup(g.Name, g.Location, g.SubscriptionId);
        foreach (var v in VirtualMachines)
            builder.AddVirtualMachine(v.Name, v.SystemAssignedIdentity, v.ResourceGroup, v.Location, v.UseForImds, v.SubscriptionId, v.PrincipalId, v.ClientId, v.VmId);
        foreach (var u in UserAssignedIdentities)
            builder.AddUserAssignedIdentity(u.Name, u.ClientId, u.PrincipalId, u.ResourceGroup, u.AttachToVirtualMachine, u.SubscriptionId);
        foreach (var r in RoleAssignments) builder.AddRoleAssignment(r.PrincipalId, r.RoleDefinitionId, r.Scope, r.Name);
        foreach (var f in Faults) builder.WithFault(f);
    }
}
