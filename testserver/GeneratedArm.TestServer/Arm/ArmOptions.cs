namespace GeneratedArm.TestServer.Arm;

/// <summary>How the emulated ARM behaves (set through <see cref="EmulatorBuilder"/>; documented in testserver/ARM.md).</summary>
public sealed class ArmOptions
{
    /// <summary>Role-based access control on every ARM request (403 <c>AuthorizationFailed</c>). On by default.</summary>
    public bool EnforceRbac { get; set; } = true;

    /// <summary>Accept any well-formed <c>api-version</c> (<c>yyyy-MM-dd[-preview]</c>) for every resource type. Off by default.</summary>
    public bool AcceptAnyApiVersion { get; set; }

    /// <summary>ARM's token-bucket throttling (429 + <c>Retry-After</c>). Off by default; the remaining-quota headers are sent either way.</summary>
    public bool Throttling { get; set; }

    /// <summary>Throttling limits (per subscription, principal and operation kind).</summary>
    public ThrottlingLimits Limits { get; set; } = ThrottlingLimits.Azure;

    /// <summary>Largest page a list answers (a smaller <c>$top</c> wins). ARM's pages are large; tests set a small one to exercise <c>nextLink</c>.</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>How many polls of a resource-group deletion answer 202 before it completes (200).</summary>
    public int DeletionPolls { get; set; } = 1;

    /// <summary>A deletion also completes once this much time has passed on the emulator's clock (polled or not).</summary>
    public TimeSpan DeletionDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The <c>Retry-After</c> (seconds) sent with 202 answers to deletions and polls. Current ARM sends 0; older traces show 15.</summary>
    public int OperationRetryAfterSeconds { get; set; }

    /// <summary>Largest request body accepted (413 above).</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Resource providers learned from OpenAPI specs (<c>EmulatorBuilder.AddResourceProviderSpecs</c>, standalone <c>--spec</c>).</summary>
    internal ProviderSpecs.ProviderOptions Providers { get; } = new();

    /// <summary>Give the administrator principal (<see cref="ArmAdministrator"/>) Owner on every subscription of the initial state.</summary>
    public bool SeedAdministrator { get; set; } = true;

    /// <summary>
    /// Resource types the providers endpoint lists (full type → api-versions, newest first), so SDKs that look up an api-version
    /// (Azure.ResourceManager's GenericResource, <c>az resource</c>) find one. Types of stored resources are listed too.
    /// </summary>
    public Dictionary<string, string[]> ResourceTypes { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Microsoft.Compute/virtualMachines"] = ["2024-07-01", "2024-03-01", "2023-09-01"],
        ["Microsoft.ManagedIdentity/userAssignedIdentities"] = ["2023-01-31", "2018-11-30"],
        ["Microsoft.Storage/storageAccounts"] = ["2023-05-01", "2023-01-01", "2022-09-01"],
        ["Microsoft.KeyVault/vaults"] = ["2023-07-01", "2022-07-01"],
        ["Microsoft.Web/sites"] = ["2023-12-01", "2023-01-01", "2022-09-01"],
        ["Microsoft.Web/serverfarms"] = ["2023-12-01", "2023-01-01", "2022-09-01"],
        ["Microsoft.Network/virtualNetworks"] = ["2024-01-01", "2023-09-01"],
        ["Microsoft.Network/virtualNetworks/subnets"] = ["2024-01-01", "2023-09-01"],
        ["Microsoft.Network/networkInterfaces"] = ["2024-01-01", "2023-09-01"],
        ["Microsoft.Network/publicIPAddresses"] = ["2024-01-01", "2023-09-01"],
        ["Microsoft.Sql/servers"] = ["2023-08-01-preview", "2021-11-01"],
        ["Microsoft.ContainerService/managedClusters"] = ["2024-05-01", "2024-02-01"],
    };
}

/// <summary>Token-bucket sizes and refill rates per second (learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling).</summary>
public sealed record ThrottlingLimits(int Reads, double ReadsPerSecond, int Writes, double WritesPerSecond, int Deletes, double DeletesPerSecond)
{
    /// <summary>Azure's current per-subscription, per-principal limits: reads 250 (+25/s), writes 200 (+10/s), deletes 200 (+10/s).</summary>
    public static ThrottlingLimits Azure { get; } = new(250, 25, 200, 10, 200, 10);
}
