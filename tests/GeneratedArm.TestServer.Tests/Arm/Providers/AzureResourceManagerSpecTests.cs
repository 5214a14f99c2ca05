using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;
using static GeneratedArm.TestServer.Tests.Arm.ArmTestKit;

namespace GeneratedArm.TestServer.Tests.Arm.Providers;

/// <summary>
/// Azure.ResourceManager's <c>GenericResource</c> against a spec-learned type: it reads the api-version from the providers endpoint and
/// drives the long-running PUT of the synthetic spec through Azure.Core's poller (Azure-AsyncOperation), success and failure.
/// </summary>
public class AzureResourceManagerSpecTests
{
    private sealed class StaticTokenCredential(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(token, DateTimeOffset.UtcNow.AddHours(1));
        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }

    private static ArmClient Client(AzureEmulator emulator) => new(new StaticTokenCredential(emulator.CreateAdministratorToken()), Sub, new ArmClientOptions
    {
        Environment = new ArmEnvironment(new Uri("https://management.azure.com"), "https://management.azure.com/"),
        Transport = new HttpClientTransport(emulator.CreateHandler()),
    });

    private static ResourceIdentifier WidgetId(string name) => new($"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Contoso.Widgets/widgets/{name}");

    private static GenericResourceData Widget() => new(AzureLocation.WestUS)
    {
        Properties = BinaryData.FromObjectAsJson(new { size = 5, shape = new { kind = "circle", radius = 1.5 } }),
    };

    [Test]
    public async Task Generic_resource_long_running_create_polls_to_Succeeded()
    {
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(SyntheticSpecTests.WidgetsSpec).WithProviderOperations(polls: 1));
        var arm = Client(emulator);

        var operation = await arm.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Completed, WidgetId("sdk"), Widget());

        var properties = operation.Value.Data.Properties.ToObjectFromJson<Dictionary<string, object>>()!;
        Assert.That(operation.HasCompleted, Is.True);
        Assert.That(properties["provisioningState"].ToString(), Is.EqualTo("Succeeded"));
        Assert.That(emulator.Requests.Any(r => r.Uri.AbsolutePath.Contains("/operationStatuses/", StringComparison.Ordinal)), Is.True, "the SDK polled Azure-AsyncOperation");
    }

    [Test]
    public async Task Generic_resource_long_running_create_that_fails_raises_the_operation_error()
    {
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(SyntheticSpecTests.WidgetsSpec).WithProviderOperations(polls: 0)
            .FailProvisioning("**/widgets/doomed", "QuotaExceeded", "Widget quota exceeded."));
        var arm = Client(emulator);

        var e = Assert.ThrowsAsync<RequestFailedException>(() => arm.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Completed, WidgetId("doomed"), Widget()));

        Assert.That(e!.ErrorCode, Is.EqualTo("QuotaExceeded"));
    }
}
