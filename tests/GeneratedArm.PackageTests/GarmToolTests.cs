using System.Diagnostics;
using System.Net;

namespace GeneratedArm.PackageTests;

/// <summary>garm installed with <c>dotnet tool install</c> from the feed, run as a user runs it.</summary>
public class GarmToolTests
{
    [Test]
    public async Task Quickstart_prints_the_tutorial_resource_group_JSON()
    {
        var workspace = await ConsumerWorkspace.GetAsync();
        string garm = await workspace.GarmAsync();

        var run = await Dotnet.RunProcessAsync(garm, workspace.Root, workspace.Environment, "quickstart");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        Assert.That(run.Output.Trim(), Does.StartWith("{\"id\":\"/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861/resourceGroups/DevTest\""), run.Describe());
        Assert.That(run.Output, Does.Contain("\"location\":\"westus\""), run.Describe());
    }

    [Test]
    [Platform(Include = "Linux,MacOsX", Reason = "SIGTERM")]
    public async Task Emulator_prints_its_ready_line_answers_an_IMDS_token_request_and_exits_0_on_SIGTERM()
    {
        var workspace = await ConsumerWorkspace.GetAsync();
        string garm = await workspace.GarmAsync();
        using var process = Process.Start(Dotnet.StartInfo(garm, workspace.Root, workspace.Environment, ["emulator"]))!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string line = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? string.Empty;
            Assert.That(line, Does.Match(@"^GeneratedArm emulator ready: imds=http://127\.0\.0\.1:\d+ arm=https://127\.0\.0\.1:\d+ "));
            string imds = line.Split(' ').Single(p => p.StartsWith("imds=", StringComparison.Ordinal))["imds=".Length..];

            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/");
            request.Headers.Add("Metadata", "true");
            using var response = await http.SendAsync(request, timeout.Token);
            string body = await response.Content.ReadAsStringAsync(timeout.Token);

            var kill = await Dotnet.RunProcessAsync("kill", workspace.Root, workspace.Environment, "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await process.WaitForExitAsync(timeout.Token);

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.Length > 200 ? body[..200] : body);
            Assert.That(body, Does.Contain("\"access_token\""));
            Assert.That(kill.ExitCode, Is.Zero, kill.Describe());
            Assert.That(process.ExitCode, Is.Zero);
            Assert.That(await process.StandardError.ReadToEndAsync(timeout.Token), Does.Contain("stopped"));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Test]
    public async Task Emulator_with_a_bad_flag_exits_1_with_a_one_line_message()
    {
        var workspace = await ConsumerWorkspace.GetAsync();
        string garm = await workspace.GarmAsync();

        var run = await Dotnet.RunProcessAsync(garm, workspace.Root, workspace.Environment, "emulator", "--imds-url", "http://0.0.0.0:0");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Describe());
        Assert.That(run.Output, Is.Empty, run.Describe());
        Assert.That(run.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), run.Describe());
        Assert.That(run.Error, Does.StartWith("garm emulator: ").And.Contain("loopback"), run.Describe());
    }
}
