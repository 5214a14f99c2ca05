namespace GeneratedArm.TestServer.Arm.ProviderSpecs;

/// <summary>
/// A long-running operation that ends <c>Failed</c>: the next <see cref="Count"/> long-running operations (PUT, PATCH, DELETE, POST
/// actions) on resources whose id matches <see cref="PathPattern"/> (<c>*</c> within a segment, <c>**</c> across, case-insensitive)
/// finish with provisioning state <c>Failed</c> and this error.
/// </summary>
public sealed record ProvisioningFailure(string PathPattern, string Code, string Message, int Count = 1);

/// <summary>The resource providers learned from specs and how their long-running operations run (testserver/ARM.md).</summary>
internal sealed class ProviderOptions
{
    public ProviderCatalog Catalog { get; } = new();

    /// <summary>Polls of a long-running operation answered "in progress" before it finishes.</summary>
    public int OperationPolls { get; set; } = 1;

    /// <summary>A long-running operation also finishes once this much time has passed on the emulator's clock.</summary>
    public TimeSpan OperationDuration { get; set; } = TimeSpan.FromSeconds(10);

    public List<ProvisioningFailure> Failures { get; } = [];
}
