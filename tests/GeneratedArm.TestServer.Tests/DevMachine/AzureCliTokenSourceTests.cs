using System.Net;
using GeneratedArm.TestServer.DevMachine;
using Microsoft.Extensions.Time.Testing;

namespace GeneratedArm.TestServer.Tests.DevMachine;

/// <summary>
/// <c>--token-source azure-cli</c>: the identity endpoints hand out the developer's <c>az account get-access-token</c> tokens, cached per
/// resource until 5 minutes before expiry, one <c>az</c> call in flight per resource. Runs against <see cref="StandInAzureCli"/>.
/// </summary>
[Platform(Exclude = "Win", Reason = "The stand-in az is a POSIX shell script.")]
public class AzureCliTokenSourceTests
{
    private const string AppServiceUrl = "http://127.0.0.1:41741/msi/token?resource=https://management.azure.com/&api-version=2019-08-01";
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static AzureEmulator Create(StandInAzureCli az, TimeProvider clock, TextWriter? log = null) =>
        AzureEmulator.Create(b => b.UseTimeProvider(clock).WithAppServiceIdentityHeader("secret")
            .UseAzureCliTokens(new AzureCliSettings { SearchPath = az.Directory, Log = log }));

    private static async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> ImdsTokenAsync(HttpClient client)
    {
        using var response = await client.SendAsync(TestHelpers.ImdsRequest());
        return (response.StatusCode, await TestHelpers.JsonAsync(response));
    }

    [Test]
    public async Task IMDS_serves_the_Azure_CLI_token_with_its_expiry_as_IMDS_fields()
    {
        using var az = new StandInAzureCli();
        az.LoggedIn("cli-token-1", Start.AddMinutes(60));
        using var emulator = Create(az, new FakeTimeProvider(Start));
        using var client = new HttpClient(emulator.CreateHandler());

        var (status, body) = await ImdsTokenAsync(client);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        Assert.That(body.GetProperty("access_token").GetString(), Is.EqualTo("cli-token-1"));
        Assert.That(body.GetProperty("expires_on").GetString(), Is.EqualTo(Start.AddMinutes(60).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(body.GetProperty("expires_in").GetString(), Is.EqualTo("3600"));
        Assert.That(body.GetProperty("resource").GetString(), Is.EqualTo("https://management.azure.com/"));
        Assert.That(az.Calls, Is.EqualTo(new[] { "account get-access-token --resource https://management.azure.com/ --output json" }));
    }

    [Test]
    public async Task Many_requests_on_both_protocols_make_one_az_call_while_the_token_is_cached_or_being_fetched()
    {
        using var az = new StandInAzureCli();
        az.LoggedIn("cli-token-1", Start.AddMinutes(60));
        az.Hold();
        using var emulator = Create(az, new FakeTimeProvider(Start));
        using var client = new HttpClient(emulator.CreateHandler());

        var concurrent = Enumerable.Range(0, 5).Select(_ => ImdsTokenAsync(client)).ToList();
        // Release once the first call is running; requests that arrive later find the token in flight or already cached.
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (az.Calls.Count == 0) await Task.Delay(TimeSpan.FromMilliseconds(10), timeout.Token);
        }
        az.Release();
        var results = await Task.WhenAll(concurrent);
        var appService = new HttpRequestMessage(HttpMethod.Get, AppServiceUrl) { Headers = { { "X-IDENTITY-HEADER", "secret" } } };
        using var appServiceResponse = await client.SendAsync(appService);
        var later = await ImdsTokenAsync(client);

        Assert.That(results.Select(r => r.Body.GetProperty("access_token").GetString()), Is.All.EqualTo("cli-token-1"));
        Assert.That((await TestHelpers.JsonAsync(appServiceResponse)).GetProperty("access_token").GetString(), Is.EqualTo("cli-token-1"));
        Assert.That(later.Body.GetProperty("access_token").GetString(), Is.EqualTo("cli-token-1"));
        Assert.That(az.Calls, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_token_is_fetched_again_once_less_than_5_minutes_of_it_are_left()
    {
        using var az = new StandInAzureCli();
        var clock = new FakeTimeProvider(Start);
        az.LoggedIn("cli-token-1", Start.AddMinutes(60));
        using var emulator = Create(az, clock);
        using var client = new HttpClient(emulator.CreateHandler());

        await ImdsTokenAsync(client);
        az.LoggedIn("cli-token-2", Start.AddMinutes(120));
        clock.Advance(TimeSpan.FromMinutes(54));   // 6 minutes left: still cached
        var cached = await ImdsTokenAsync(client);
        clock.Advance(TimeSpan.FromMinutes(2));    // 4 minutes left: fetched again
        var refreshed = await ImdsTokenAsync(client);

        Assert.That(cached.Body.GetProperty("access_token").GetString(), Is.EqualTo("cli-token-1"));
        Assert.That(cached.Body.GetProperty("expires_in").GetString(), Is.EqualTo("360"));
        Assert.That(refreshed.Body.GetProperty("access_token").GetString(), Is.EqualTo("cli-token-2"));
        Assert.That(az.Calls, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Tokens_are_cached_per_resource()
    {
        using var az = new StandInAzureCli();
        az.LoggedIn("cli-token", Start.AddMinutes(60));
        using var emulator = Create(az, new FakeTimeProvider(Start));
        using var client = new HttpClient(emulator.CreateHandler());

        await ImdsTokenAsync(client);
        using var vault = await client.SendAsync(TestHelpers.ImdsRequest("http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net"));
        await ImdsTokenAsync(client);

        Assert.That(vault.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(az.Calls, Is.EqualTo(new[]
        {
            "account get-access-token --resource https://management.azure.com/ --output json",
            "account get-access-token --resource https://vault.azure.net --output json",
        }));
    }

    [Test]
    public async Task Not_logged_in_gets_a_400_whose_one_line_description_says_run_az_login_and_is_not_cached()
    {
        using var az = new StandInAzureCli();
        az.NotLoggedIn();
        using var emulator = Create(az, new FakeTimeProvider(Start));
        using var client = new HttpClient(emulator.CreateHandler());

        var (status, body) = await ImdsTokenAsync(client);
        az.LoggedIn("cli-token-1", Start.AddMinutes(60));
        var (afterLogin, _) = await ImdsTokenAsync(client);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body.GetProperty("error").GetString(), Is.EqualTo("invalid_request"));
        string description = body.GetProperty("error_description").GetString()!;
        Assert.That(description, Does.Contain("run 'az login'").And.Not.Contain("\n"));
        Assert.That(afterLogin, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Missing_az_gets_a_one_line_error_on_both_protocols_saying_to_install_it()
    {
        string empty = Path.Combine(Path.GetTempPath(), $"garm-no-az-{Guid.NewGuid():N}");
        Directory.CreateDirectory(empty);
        try
        {
            using var emulator = AzureEmulator.Create(b => b.WithAppServiceIdentityHeader("secret").UseAzureCliTokens(new AzureCliSettings { SearchPath = empty }));
            using var client = new HttpClient(emulator.CreateHandler());

            var (status, body) = await ImdsTokenAsync(client);
            var appService = new HttpRequestMessage(HttpMethod.Get, AppServiceUrl) { Headers = { { "X-IDENTITY-HEADER", "secret" } } };
            using var appServiceResponse = await client.SendAsync(appService);
            var appServiceBody = await TestHelpers.JsonAsync(appServiceResponse);

            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body.GetProperty("error_description").GetString(), Does.Contain("'az') was not found on PATH").And.Not.Contain("\n"));
            Assert.That(appServiceResponse.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(appServiceBody.GetProperty("message").GetString(), Does.Contain("not found on PATH"));
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Test]
    public async Task Every_token_request_is_logged_with_protocol_and_resource_but_never_the_token()
    {
        using var az = new StandInAzureCli();
        az.LoggedIn("cli-token-secret-value", Start.AddMinutes(60));
        using var log = new StringWriter();
        using var emulator = Create(az, new FakeTimeProvider(Start), log);
        using var client = new HttpClient(emulator.CreateHandler());

        await ImdsTokenAsync(client);
        await ImdsTokenAsync(client);
        var appService = new HttpRequestMessage(HttpMethod.Get, AppServiceUrl) { Headers = { { "X-IDENTITY-HEADER", "secret" } } };
        (await client.SendAsync(appService)).Dispose();

        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines.Take(2), Is.All.Contain("protocol=IMDS resource=https://management.azure.com/ client="));
        Assert.That(lines[2], Does.Contain("protocol=AppService"));
        Assert.That(log.ToString(), Does.Not.Contain("cli-token-secret-value"));
    }

    [Test]
    public void Output_of_an_Azure_CLI_older_than_2_54_is_read_from_the_local_time_expiresOn()
    {
        var local = new DateTime(2026, 12, 7, 10, 30, 0, DateTimeKind.Local);
        string json = $$"""{"accessToken": "t", "expiresOn": "{{local:yyyy-MM-dd HH:mm:ss}}.000000", "tokenType": "Bearer"}""";

        var token = AzureCliTokenSource.Parse(json, Start);

        Assert.That(token.ExpiresOn, Is.EqualTo(new DateTimeOffset(local)));
        Assert.That(token.NotBefore, Is.EqualTo(Start), "an opaque token reports now");
    }

    [TestCase("not json", "did not print JSON")]
    [TestCase("{\"expires_on\": 1}", "printed no accessToken")]
    [TestCase("{\"accessToken\": \"t\"}", "printed no expiry")]
    public void Unreadable_Azure_CLI_output_is_a_clear_error(string output, string expected)
    {
        Assert.That(() => AzureCliTokenSource.Parse(output, Start), Throws.InstanceOf<AzureCliException>().With.Message.Contains(expected));
    }

    [Test]
    public void Other_az_failures_name_the_command_its_exit_code_and_its_first_line()
    {
        string message = AzureCliTokenSource.DescribeFailure(2, "ERROR: (InvalidResource) The resource 'x' is not valid.\nTraceback …\n");

        Assert.That(message, Is.EqualTo("'az account get-access-token' failed with exit code 2: ERROR: (InvalidResource) The resource 'x' is not valid. Run it yourself to see why."));
    }

    [Test]
    public async Task The_fake_ARM_is_off_in_azure_cli_mode()
    {
        using var az = new StandInAzureCli();
        az.LoggedIn("cli-token", Start.AddMinutes(60));
        using var emulator = Create(az, new FakeTimeProvider(Start));
        using var client = emulator.CreateClient();

        using var response = await client.SendAsync(TestHelpers.ArmGet(TestHelpers.DevTestUrl, "cli-token"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
