using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;

namespace GeneratedArm.TestServer.Tests.DevMachine;

/// <summary>The standalone program (what <c>garm emulator</c> mounts): the client setup printout and <c>--token-source azure-cli</c>.</summary>
[Platform(Include = "Linux,MacOsX", Reason = "SIGTERM and the POSIX stand-in az.")]
public class ProgramDevMachineTests
{
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static Process Start(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    private static async Task<List<string>> ReadUntilAsync(Process process, string lastLinePrefix, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            lines.Add(line);
            if (line.TrimStart().StartsWith(lastLinePrefix, StringComparison.Ordinal)) break;
        }
        return lines;
    }

    private static async Task<(int ExitCode, string Stderr)> StopAsync(Process process, CancellationToken cancellationToken)
    {
        Assert.That(Kill(process.Id, 15), Is.Zero);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await process.StandardError.ReadToEndAsync(cancellationToken));
    }

    [Test]
    public async Task After_the_ready_line_the_program_prints_what_each_client_needs()
    {
        using var process = Start(new Dictionary<string, string>(), "--identity-header", "compose-secret");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var lines = await ReadUntilAsync(process, "ARM (fake):", timeout.Token);
            string imds = lines[0].Split(' ').Single(p => p.StartsWith("imds=", StringComparison.Ordinal))["imds=".Length..];
            string output = string.Join('\n', lines);

            Assert.That(lines[0], Does.StartWith("GeneratedArm emulator ready: imds="));
            Assert.That(output, Does.Contain($"AZURE_POD_IDENTITY_AUTHORITY_HOST={imds}"));
            Assert.That(output, Does.Contain($"IDENTITY_ENDPOINT={imds}/msi/token"));
            Assert.That(output, Does.Contain("IDENTITY_HEADER=compose-secret"));
            Assert.That(output, Does.Contain("az login --identity").And.Contain("Connect-AzAccount -Identity"));
            Assert.That(output, Does.Contain($"curl '{imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/' -H Metadata:true"));
            Assert.That(output, Does.Contain($"Invoke-WebRequest -Uri '{imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/' -Headers @{{Metadata=\"true\"}}"));
            var (exit, _) = await StopAsync(process, timeout.Token);
            Assert.That(exit, Is.Zero);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }

    [Test]
    public async Task In_azure_cli_mode_the_ready_line_says_ARM_is_off_and_IMDS_serves_the_az_token_logging_the_request_without_it()
    {
        using var az = new StandInAzureCli();
        az.LoggedIn("cli-token-from-the-stand-in", DateTimeOffset.UtcNow.AddHours(1));
        var environment = new Dictionary<string, string> { ["PATH"] = az.Directory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH") };
        using var process = Start(environment, "--token-source", "azure-cli");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var lines = await ReadUntilAsync(process, "ARM:", timeout.Token);
            string imds = lines[0].Split(' ').Single(p => p.StartsWith("imds=", StringComparison.Ordinal))["imds=".Length..];
            using var client = new HttpClient();
            using var response = await client.SendAsync(TestHelpers.ImdsRequest($"{imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/"), timeout.Token);
            var body = await TestHelpers.JsonAsync(response);
            var (exit, stderr) = await StopAsync(process, timeout.Token);

            Assert.That(lines[0], Does.Contain("arm=off"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body.GetProperty("access_token").GetString(), Is.EqualTo("cli-token-from-the-stand-in"));
            Assert.That(stderr, Does.Contain("token request: protocol=IMDS resource=https://management.azure.com/ client=pid "));
            Assert.That(stderr, Does.Not.Contain("cli-token-from-the-stand-in"));
            Assert.That(exit, Is.Zero);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }

    [Test]
    public async Task The_generated_certificate_names_management_azure_com_so_ARM_can_be_reached_at_its_real_name()
    {
        await using var emulator = await GeneratedArm.TestServer.Hosting.StandaloneEmulator.StartAsync(new GeneratedArm.TestServer.Hosting.StandaloneOptions());

        var san = emulator.Certificate.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension>().Single();

        Assert.That(san.EnumerateDnsNames(), Does.Contain("management.azure.com").And.Contain("localhost"));
        Assert.That(emulator.Certificate.MatchesHostname("management.azure.com"), Is.True);
    }

    [TestCase("--token-source", "cloud", "cloud")]
    [TestCase("--identity-header", "", "--identity-header must not be empty")]
    public void Bad_dev_machine_flags_are_reported_clearly(string flag, string value, string expected)
    {
        var result = Program.BuildCommand().Parse([flag, value]);

        Assert.That(result.Errors.Select(e => e.Message), Has.Some.Contains(expected));
    }

    [Test]
    public void Link_local_and_imds_url_exclude_each_other()
    {
        var result = Program.BuildCommand().Parse(["--link-local", "--imds-url", "http://127.0.0.1:0"]);

        Assert.That(result.Errors.Select(e => e.Message), Has.Some.Contains("exclude each other"));
    }
}
