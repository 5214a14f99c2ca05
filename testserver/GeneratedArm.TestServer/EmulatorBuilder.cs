using GeneratedArm.TestServer.Faults;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.Identity;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer;

/// <summary>
/// Configures an <see cref="AzureEmulator"/>: its initial state (starting from the tutorial's, see <see cref="TutorialDefaults"/>),
/// clock, token lifetime and signing key. Everything configured here is data; <see cref="AzureEmulator.Reset"/> returns to it.
/// </summary>
public sealed partial class EmulatorBuilder
{
    private EmulatorStateSnapshot _state = TutorialDefaults.CreateSnapshot();

    internal EmulatorOptions Options { get; } = new();

    /// <summary>The initial state so far (start from the tutorial's; replace with <see cref="WithState"/>).</summary>
    public EmulatorStateSnapshot State => _state;

    /// <summary>Replaces the whole initial state.</summary>
    public EmulatorBuilder WithState(EmulatorStateSnapshot state)
    {
        _state = state ?? throw new ArgumentNullException(nameof(state));
        return this;
    }

    /// <summary>Edits the initial state with a function (for anything the helpers below do not cover).</summary>
    public EmulatorBuilder ConfigureState(Func<EmulatorStateSnapshot, EmulatorStateSnapshot> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        _state = edit(_state);
        return this;
    }

    /// <summary>Adds a tenant.</summary>
    public EmulatorBuilder AddTenant(string tenantId, string displayName = "Default Directory") =>
        ConfigureState(s => s with { Tenants = [.. s.Tenants, new TenantInfo(tenantId, displayName)] });

    /// <summary>Adds a subscription (in the tutorial's tenant unless given).</summary>
    public EmulatorBuilder AddSubscription(string subscriptionId, string? tenantId = null, string displayName = "Emulated Subscription") =>
        ConfigureState(s => s with { Subscriptions = [.. s.Subscriptions, new SubscriptionInfo(subscriptionId, tenantId ?? DefaultTenant(s), displayName)] });

    /// <summary>Adds a resource group (in the tutorial's subscription unless given).</summary>
    public EmulatorBuilder AddResourceGroup(string name, string location = TutorialDefaults.Location, string? subscriptionId = null) =>
        ConfigureState(s => s with { ResourceGroups = [.. s.ResourceGroups, new ResourceGroupInfo(subscriptionId ?? DefaultSubscription(s), name, location)] });

    /// <summary>
    /// Adds a user-assigned identity (<c>Microsoft.ManagedIdentity/userAssignedIdentities/{name}</c> in <paramref name="resourceGroup"/>),
    /// attached to the IMDS VM unless <paramref name="attachToVirtualMachine"/> is false. Ids are generated when not given.
    /// </summary>
    public EmulatorBuilder AddUserAssignedIdentity(string name, string? clientId = null, string? principalId = null,
        string resourceGroup = TutorialDefaults.ResourceGroupName, bool attachToVirtualMachine = true, string? subscriptionId = null)
    {
        return ConfigureState(s =>
        {
            string sub = subscriptionId ?? DefaultSubscription(s);
            string tenant = s.Subscriptions.FirstOrDefault(x => string.Equals(x.SubscriptionId, sub, StringComparison.OrdinalIgnoreCase))?.TenantId ?? DefaultTenant(s);
            var identity = new ManagedIdentityInfo(ManagedIdentityKind.UserAssigned,
                $"/subscriptions/{sub}/resourceGroups/{resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}",
                principalId ?? Guid.NewGuid().ToString(), clientId ?? Guid.NewGuid().ToString(), tenant);
            var vms = s.VirtualMachines.ToList();
            if (attachToVirtualMachine)
            {
                int i = ImdsVmIndex(s);
                if (i < 0) throw new InvalidOperationException("The state has no virtual machine to attach the identity to.");
                vms[i] = vms[i] with { UserAssignedIdentityIds = [.. vms[i].UserAssignedIdentityIds, identity.ResourceId] };
            }
            return s with { UserAssignedIdentities = [.. s.UserAssignedIdentities, identity], VirtualMachines = vms };
        });
    }

    /// <summary>
    /// Adds a virtual machine, with a system-assigned identity unless <paramref name="systemAssignedIdentity"/> is false
    /// (ids generated unless given); <paramref name="useForImds"/> makes IMDS answer as this VM.
    /// </summary>
    public EmulatorBuilder AddVirtualMachine(string name, bool systemAssignedIdentity = true, string resourceGroup = TutorialDefaults.ResourceGroupName,
        string location = TutorialDefaults.Location, bool useForImds = false, string? subscriptionId = null,
        string? principalId = null, string? clientId = null, string? vmId = null)
    {
        return ConfigureState(s =>
        {
            string sub = subscriptionId ?? DefaultSubscription(s);
            string tenant = s.Subscriptions.FirstOrDefault(x => string.Equals(x.SubscriptionId, sub, StringComparison.OrdinalIgnoreCase))?.TenantId ?? DefaultTenant(s);
            var vm = new VirtualMachineInfo(sub, resourceGroup, name, location, vmId ?? Guid.NewGuid().ToString());
            if (systemAssignedIdentity)
                vm = vm with { SystemAssignedIdentity = new(ManagedIdentityKind.SystemAssigned, vm.Id, principalId ?? Guid.NewGuid().ToString(), clientId ?? Guid.NewGuid().ToString(), tenant) };
            string? imdsVm = useForImds ? name : s.ImdsVirtualMachineName ?? (s.VirtualMachines.Count > 0 ? s.VirtualMachines[0].Name : null);
            return s with { VirtualMachines = [.. s.VirtualMachines, vm], ImdsVirtualMachineName = imdsVm };
        });
    }

    /// <summary>Starts from an empty world (built-in role definitions only) instead of the tutorial's.</summary>
    public EmulatorBuilder StartEmpty() => WithState(new EmulatorStateSnapshot { RoleDefinitions = Rbac.BuiltInRoles.All });

    /// <summary>Applies a JSON state file (format: testserver/README.md, "State file").</summary>
    public EmulatorBuilder LoadStateFile(string path)
    {
        StateFile.Load(path).ApplyTo(this);
        return this;
    }

    /// <summary>Removes the IMDS VM's system-assigned identity (to test user-assigned-only selection).</summary>
    public EmulatorBuilder WithoutSystemAssignedIdentity() => ConfigureState(s =>
    {
        int i = ImdsVmIndex(s);
        if (i < 0) return s;
        var vms = s.VirtualMachines.ToList();
        vms[i] = vms[i] with { SystemAssignedIdentity = null };
        return s with { VirtualMachines = vms };
    });

    /// <summary>Grants <paramref name="roleDefinitionId"/> (a GUID, e.g. <see cref="Rbac.BuiltInRoles.ReaderId"/>) to a principal at a scope.</summary>
    public EmulatorBuilder AddRoleAssignment(string principalId, string roleDefinitionId, string scope, string? assignmentName = null) =>
        ConfigureState(s => s with { RoleAssignments = [.. s.RoleAssignments, new RoleAssignmentInfo(assignmentName ?? Guid.NewGuid().ToString(), scope, roleDefinitionId, principalId)] });

    /// <summary>Lifetime of issued tokens (default 24 h, like Entra's managed-identity tokens).</summary>
    public EmulatorBuilder WithTokenLifetime(TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        Options.TokenLifetime = lifetime;
        return this;
    }

    /// <summary>Shifts the token issuer's clock (positive: tokens issued "in the future", as from a skewed host).</summary>
    public EmulatorBuilder WithClockSkew(TimeSpan skew)
    {
        Options.ClockSkew = skew;
        return this;
    }

    /// <summary>Uses a clock (e.g. <c>FakeTimeProvider</c>) for token times, ARM's lifetime checks, rate limits and fault expiry.</summary>
    public EmulatorBuilder UseTimeProvider(TimeProvider timeProvider)
    {
        Options.TimeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        return this;
    }

    /// <summary>Signs with this key instead of the process-wide one (keeps the JWKS stable across restarts).</summary>
    public EmulatorBuilder UseSigningKey(SigningKey key)
    {
        Options.SigningKey = key ?? throw new ArgumentNullException(nameof(key));
        return this;
    }

    /// <summary>Also publishes <paramref name="key"/> in the JWKS and accepts its tokens at ARM (e.g. the previous key during a rotation).</summary>
    public EmulatorBuilder TrustAdditionalSigningKey(SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Options.AdditionalTrustedKeys.Add(key);
        return this;
    }

    /// <summary>Turns on IMDS's documented rate limits (20 requests/s, 5 concurrent on the identity endpoint → 429).</summary>
    public EmulatorBuilder EnableImdsRateLimits(bool enabled = true)
    {
        Options.ImdsRateLimits = enabled;
        return this;
    }

    /// <summary>Adds a fault rule active from the start (see <see cref="FaultRules"/> for ready-made ones).</summary>
    public EmulatorBuilder WithFault(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        Options.InitialFaults.Add(rule);
        return this;
    }

    /// <summary>Maps (default) or leaves out the loopback-only admin API under <c>/_emulator</c>.</summary>
    public EmulatorBuilder WithAdminApi(bool enabled)
    {
        Options.AdminApi = enabled;
        return this;
    }

    internal EmulatorOptions Build()
    {
        Options.InitialState = Options.Arm.SeedAdministrator ? Arm.ArmAdministrator.Seed(_state) : _state;
        return Options;
    }

    private static string DefaultTenant(EmulatorStateSnapshot s) => s.Tenants.Count > 0 ? s.Tenants[0].TenantId : TutorialDefaults.TenantId;

    private static string DefaultSubscription(EmulatorStateSnapshot s) => s.Subscriptions.Count > 0 ? s.Subscriptions[0].SubscriptionId : TutorialDefaults.SubscriptionId;

    private static int ImdsVmIndex(EmulatorStateSnapshot s)
    {
        var list = s.VirtualMachines;
        if (list.Count == 0) return -1;
        if (s.ImdsVirtualMachineName is null) return 0;
        for (int i = 0; i < list.Count; i++)
            if (string.Equals(list[i].Name, s.ImdsVirtualMachineName, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}
