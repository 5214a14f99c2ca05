using GeneratedArm.TestServer.Arm;

namespace GeneratedArm.TestServer;

// The ARM side's settings (testserver/ARM.md).
public sealed partial class EmulatorBuilder
{
    /// <summary>Switches RBAC enforcement on (default) or off: off, every authenticated caller may do everything.</summary>
    public EmulatorBuilder EnforceRbac(bool enabled = true)
    {
        Options.Arm.EnforceRbac = enabled;
        return this;
    }

    /// <summary>The clock skew ARM tolerates on a token's <c>nbf</c>/<c>exp</c> (default 5 minutes).</summary>
    public EmulatorBuilder WithArmClockTolerance(TimeSpan tolerance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tolerance, TimeSpan.Zero);
        Options.ArmClockTolerance = tolerance;
        return this;
    }

    /// <summary>Loose api-versions: any well-formed <c>yyyy-MM-dd[-preview]</c> is accepted for every resource type.</summary>
    public EmulatorBuilder AcceptAnyApiVersion(bool enabled = true)
    {
        Options.Arm.AcceptAnyApiVersion = enabled;
        return this;
    }

    /// <summary>Turns on ARM's token-bucket throttling (429 + <c>Retry-After</c>), with Azure's limits unless others are given.</summary>
    public EmulatorBuilder EnableArmThrottling(ThrottlingLimits? limits = null)
    {
        Options.Arm.Throttling = true;
        if (limits is not null) Options.Arm.Limits = limits;
        return this;
    }

    /// <summary>The largest page ARM's lists answer (default 1000); a small one makes clients follow <c>nextLink</c>.</summary>
    public EmulatorBuilder WithArmPageSize(int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        Options.Arm.PageSize = pageSize;
        return this;
    }

    /// <summary>How a resource-group deletion runs: polls answered 202 before 200, the time after which it completes anyway, and the <c>Retry-After</c> sent.</summary>
    public EmulatorBuilder WithResourceGroupDeletion(int polls = 1, TimeSpan? duration = null, int retryAfterSeconds = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(polls);
        ArgumentOutOfRangeException.ThrowIfNegative(retryAfterSeconds);
        Options.Arm.DeletionPolls = polls;
        if (duration is { } d) Options.Arm.DeletionDuration = d;
        Options.Arm.OperationRetryAfterSeconds = retryAfterSeconds;
        return this;
    }

    /// <summary>The largest request body ARM accepts (default 4 MiB; 413 above).</summary>
    public EmulatorBuilder WithMaxRequestBodyBytes(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 1);
        Options.Arm.MaxRequestBodyBytes = bytes;
        return this;
    }

    /// <summary>Lists a resource type (e.g. <c>Microsoft.Cache/redis</c>) with its api-versions (newest first) under <c>/subscriptions/{s}/providers</c>, for SDKs that look api-versions up.</summary>
    public EmulatorBuilder AddResourceType(string type, params string[] apiVersions)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        if (!type.Contains('/', StringComparison.Ordinal)) throw new ArgumentException("A resource type is '{namespace}/{type}'.", nameof(type));
        Options.Arm.ResourceTypes[type] = apiVersions is { Length: > 0 } ? apiVersions : ["2024-01-01"];
        return this;
    }

    /// <summary>
    /// Adds a generic resource to the initial state, as if PUT through ARM: <paramref name="id"/> is its full id under a resource group
    /// (<c>/subscriptions/{s}/resourceGroups/{g}/providers/{ns}/{type}/{name}</c>), <paramref name="json"/> its body (a JSON object;
    /// <c>id</c>, <c>name</c> and <c>type</c> are filled in).
    /// </summary>
    public EmulatorBuilder AddResource(string id, string json = "{}")
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var target = ArmTarget.Parse(id);
        if (target.Kind != ArmTargetKind.Resource)
            throw new ArgumentException($"'{id}' is not the id of a resource under a resource group.", nameof(id));
        using var document = System.Text.Json.JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
            throw new ArgumentException("The body must be a JSON object.", nameof(json));
        var resource = new State.GenericResourceInfo(target.Id, target.ResourceType!, target.Name!, target.SubscriptionId!, target.ResourceGroup!, document.RootElement.Clone());
        return ConfigureState(s => s with { Resources = [.. s.Resources, resource] });
    }

    /// <summary>
    /// Teaches the emulator resource providers from their OpenAPI specs (azure-rest-api-specs files, or folders of them; the files
    /// they <c>$ref</c> load as the generator loads them): every resource path under a resource group gets validation, server-filled
    /// fields, long-running operations, lists, actions and provider metadata (testserver/ARM.md, "Resource providers from specs").
    /// Paths a spec describes in a way the emulator cannot use are listed in <see cref="ResourceProviderSpecProblems"/> and stay
    /// generic resources. Throws <see cref="FileNotFoundException"/> for a path that does not exist.
    /// </summary>
    public EmulatorBuilder AddResourceProviderSpecs(params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var providers = Options.Arm.Providers;
        providers.Catalog.Load(paths);
        // The providers endpoint lists the learned types with their api-versions (newest first).
        foreach (var type in providers.Catalog.Types) Options.Arm.ResourceTypes[type.Type] = [.. type.VersionList];
        return this;
    }

    /// <summary>What the loaded specs describe that the emulator cannot use (file, path, why); those paths stay generic resources.</summary>
    public IReadOnlyList<string> ResourceProviderSpecProblems => Options.Arm.Providers.Catalog.Problems;

    /// <summary>
    /// How long-running operations of spec-learned types run: polls answered "in progress" before the operation finishes (default 1),
    /// and the time on the emulator's clock after which it finishes anyway (default 10 s). <c>polls: 0</c> finishes them at once.
    /// </summary>
    public EmulatorBuilder WithProviderOperations(int polls = 1, TimeSpan? duration = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(polls);
        Options.Arm.Providers.OperationPolls = polls;
        if (duration is { } d) Options.Arm.Providers.OperationDuration = d;
        return this;
    }

    /// <summary>
    /// Makes the next <paramref name="count"/> long-running operations on resources whose id matches <paramref name="pathPattern"/>
    /// (<c>*</c> within a segment, <c>**</c> across) end <c>Failed</c> with this error, as a provider's failed deployment does.
    /// </summary>
    public EmulatorBuilder FailProvisioning(string pathPattern, string code = "ProvisioningFailed", string message = "The resource provisioning failed (emulated failure).", int count = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathPattern);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Options.Arm.Providers.Failures.Add(new Arm.ProviderSpecs.ProvisioningFailure(pathPattern, code, message, count));
        return this;
    }

    /// <summary>Leaves out the administrator's seeded Owner assignments (see <see cref="ArmAdministrator"/>).</summary>
    public EmulatorBuilder WithoutAdministrator()
    {
        Options.Arm.SeedAdministrator = false;
        return this;
    }

    /// <summary>Keeps the state in <paramref name="directory"/> across restarts (what standalone <c>--data-dir</c> does). The saved state, when present, replaces the configured one.</summary>
    public EmulatorBuilder UseDataDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Options.DataDirectory = directory;
        return this;
    }
}
