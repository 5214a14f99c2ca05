using System.Text.Json;
using GeneratedArm.Cli;
using GeneratedArm.TestServer;

namespace GeneratedArm.IntegrationTests;

/// <summary>The <c>garm</c> commands, run in-process; the network is replaced by the emulator's handler.</summary>
public sealed class GarmCliTests
{
    private static readonly string DevTestPath = $"/subscriptions/{TutorialDefaults.SubscriptionId}/resourceGroups/{TutorialDefaults.ResourceGroupName}";

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(HttpMessageHandler? transport, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await GarmApp.RunAsync(args, output, error, transport);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Test]
    public async Task Quickstart_prints_the_tutorials_resource_group_json()
    {
        var (exitCode, output, error) = await RunAsync(null, "quickstart");

        Assert.That(exitCode, Is.Zero, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("id").GetString(), Is.EqualTo("/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861/resourceGroups/DevTest"));
            Assert.That(root.GetProperty("name").GetString(), Is.EqualTo("DevTest"));
            Assert.That(root.GetProperty("location").GetString(), Is.EqualTo("westus"));
            Assert.That(root.GetProperty("properties").GetProperty("provisioningState").GetString(), Is.EqualTo("Succeeded"));
            Assert.That(error, Does.Contain("Reader"), "the narration explains the role grant");
        });
    }

    [Test]
    public async Task Get_prints_ARMs_response_body()
    {
        await using var emulator = AzureEmulator.Create();

        var (exitCode, output, error) = await RunAsync(emulator.CreateHandler(), "get", DevTestPath);

        Assert.That(exitCode, Is.Zero, error);
        using var json = JsonDocument.Parse(output);
        Assert.That(json.RootElement.GetProperty("name").GetString(), Is.EqualTo("DevTest"));
    }

    [Test]
    public async Task Get_without_a_role_on_the_scope_explains_the_403_in_one_line_and_fails()
    {
        await using var emulator = AzureEmulator.Create();

        var (exitCode, output, error) = await RunAsync(emulator.CreateHandler(), "get", $"/subscriptions/{TutorialDefaults.SubscriptionId}/resourceGroups/Production");

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Not.Zero);
            Assert.That(output, Is.Empty);
            Assert.That(error, Does.Contain("AuthorizationFailed"));
            Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line, no stack trace");
            Assert.That(error, Does.Not.Contain("   at "), "no stack trace");
        });
    }

    [Test]
    public async Task Token_prints_a_bearer_token_for_the_requested_resource()
    {
        await using var emulator = AzureEmulator.Create();

        var (exitCode, output, error) = await RunAsync(emulator.CreateHandler(), "token", "--resource", "https://management.azure.com/");

        Assert.That(exitCode, Is.Zero, error);
        using var json = JsonDocument.Parse(output);
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("token_type").GetString(), Is.EqualTo("Bearer"));
            Assert.That(json.RootElement.GetProperty("resource").GetString(), Is.EqualTo("https://management.azure.com/"));
            Assert.That(json.RootElement.GetProperty("access_token").GetString()!.Split('.'), Has.Length.EqualTo(3), "a JWT");
        });
    }

    [Test]
    public async Task Token_rejects_two_identity_selectors_before_calling_anything()
    {
        await using var emulator = AzureEmulator.Create();

        var (exitCode, _, error) = await RunAsync(emulator.CreateHandler(), "token", "--client-id", "a", "--object-id", "b");

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Not.Zero);
            Assert.That(error, Does.Contain("at most one"));
            Assert.That(emulator.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task Get_rejects_a_path_that_is_not_an_ARM_path()
    {
        var (exitCode, _, error) = await RunAsync(null, "get", "subscriptions?api-version=1");

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Not.Zero);
            Assert.That(error, Does.Contain("is not an ARM path"));
        });
    }

    [Test]
    public async Task Token_with_no_IMDS_listening_fails_within_the_timeout_and_says_IMDS_is_not_reachable()
    {
        var closedPort = ClosedLoopbackPort();

        var (exitCode, output, error) = await RunAsync(null, "token", "--imds-endpoint", $"http://127.0.0.1:{closedPort}", "--timeout", "2");

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(1));
            Assert.That(output, Is.Empty);
            Assert.That(error, Does.Contain("IMDS not reachable"));
            Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line, no stack trace");
        });
    }

    [Test]
    public async Task Timeout_must_be_a_positive_number_of_seconds()
    {
        var (exitCode, _, error) = await RunAsync(null, "token", "--timeout", "soon");

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Not.Zero);
            Assert.That(error, Does.Contain("--timeout takes a number of seconds"));
        });
    }

    /// <summary>A loopback port nothing listens on: bound by the OS, then released.</summary>
    private static int ClosedLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
