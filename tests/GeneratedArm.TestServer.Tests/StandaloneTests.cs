using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using GeneratedArm.TestServer.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GeneratedArm.TestServer.Tests;

/// <summary>
/// The standalone emulator (Kestrel on loopback, port 0) and real clients pointed at it through environment variables.
/// Clients run in child processes (see <see cref="ChildProcess"/>): environment variables are process-wide and MSAL caches the IMDS endpoint statically.
/// </summary>
public class StandaloneTests
{
    private static async Task<TokenValidationResult> ValidateAsync(StandaloneEmulator emulator, string token)
    {
        // Discovery and JWKS over plain HTTP on the IMDS listener (both listeners serve every endpoint).
        using var http = new HttpClient();
        var retriever = new Microsoft.IdentityModel.Protocols.HttpDocumentRetriever(http) { RequireHttps = false };
        var manager = new Microsoft.IdentityModel.Protocols.ConfigurationManager<Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration>(
            new Uri(emulator.ImdsUrl, $"/{TutorialDefaults.TenantId}/.well-known/openid-configuration").ToString(),
            new Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfigurationRetriever(), retriever);
        var config = await manager.GetConfigurationAsync(CancellationToken.None);
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = config.Issuer,
            IssuerSigningKeys = config.SigningKeys,
            ValidAudience = "https://management.azure.com/",
        });
    }

    private static Dictionary<string, string?> PodIdentity(StandaloneEmulator emulator) =>
        new() { ["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = emulator.ImdsUrl.GetLeftPart(UriPartial.Authority) };

    [Test]
    public async Task ManagedIdentityCredential_gets_a_token_from_the_standalone_emulator_through_AZURE_POD_IDENTITY_AUTHORITY_HOST()
    {
        await using var emulator = await StandaloneEmulator.StartAsync(new StandaloneOptions());

        var (exit, stdout, stderr) = await ChildProcess.RunAsync(PodIdentity(emulator), "mi-token");

        Assert.That(exit, Is.EqualTo(0), stderr + stdout);
        var result = await ValidateAsync(emulator, stdout);
        Assert.That(result.IsValid, Is.True, result.Exception?.Message);
        Assert.That(emulator.Requests.Any(r => r.Uri.AbsolutePath == "/metadata/identity/oauth2/token" && r.StatusCode == 200), Is.True);
    }

    [Test]
    public async Task DefaultAzureCredential_skips_a_non_169_254_169_254_IMDS_whose_probe_gets_400_unless_AZURE_TOKEN_CREDENTIALS_selects_managed_identity()
    {
        await using var emulator = await StandaloneEmulator.StartAsync(new StandaloneOptions());
        var env = PodIdentity(emulator);
        // Keep developer credentials (Azure CLI, VS Code…) out of the way: AZURE_TOKEN_CREDENTIALS=dev would pick them; "prod" = environment, workload identity, managed identity.
        env["AZURE_TOKEN_CREDENTIALS"] = "prod";

        var (plainExit, plainOut, _) = await ChildProcess.RunAsync(env, "dac-token");
        var probe = emulator.Requests.FirstOrDefault(r => !r.Headers.ContainsKey("Metadata"));

        env["AZURE_TOKEN_CREDENTIALS"] = "ManagedIdentityCredential";
        var (exit, stdout, stderr) = await ChildProcess.RunAsync(env, "dac-token");

        // Azure.Identity trusts the probe's 400 only from the literal 169.254.169.254 (Azure.Core ImdsManagedIdentityProbeSource).
        Assert.That(plainExit, Is.Not.EqualTo(0), plainOut);
        Assert.That(probe, Is.Not.Null, "DefaultAzureCredential probes IMDS without the Metadata header");
        Assert.That(probe!.StatusCode, Is.EqualTo(400));
        // The supported switch (Azure.Identity 1.16.0+): DefaultAzureCredential uses ManagedIdentityCredential alone, without the probe.
        Assert.That(exit, Is.EqualTo(0), stderr + stdout);
        Assert.That((await ValidateAsync(emulator, stdout)).IsValid, Is.True);
    }

    [Test]
    public async Task ArmClient_reads_DevTest_from_the_standalone_emulator_over_HTTPS_trusting_the_exported_certificate()
    {
        await using var emulator = await StandaloneEmulator.StartAsync(new StandaloneOptions());
        string certPath = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"emulator-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(certPath, emulator.Certificate.ExportCertificatePem());
        try
        {
            var (exit, stdout, stderr) = await ChildProcess.RunAsync(PodIdentity(emulator), "arm-get", emulator.ArmUrl.ToString(), certPath);

            Assert.That(exit, Is.EqualTo(0), stderr + stdout);
            Assert.That(stdout, Is.EqualTo($"{TutorialDefaults.ResourceGroupId} westus"));
        }
        finally
        {
            File.Delete(certPath);
        }
    }

    [Test]
    public async Task Certificate_covers_localhost_and_127_0_0_1()
    {
        await using var emulator = await StandaloneEmulator.StartAsync(new StandaloneOptions());
        var san = emulator.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();

        Assert.That(san.EnumerateDnsNames(), Does.Contain("localhost"));
        Assert.That(san.EnumerateIPAddresses(), Does.Contain(IPAddress.Loopback));
        Assert.That(emulator.ArmUrl.Scheme, Is.EqualTo("https"));
        Assert.That(emulator.ImdsUrl.Port, Is.Not.Zero);
    }

    [Test]
    public async Task A_certificate_and_key_given_as_PEM_files_are_served()
    {
        using var generated = Certificates.CreateSelfSigned();
        string dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"pem-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "cert.pem"), generated.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(dir, "key.pem"), generated.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
            using var loaded = Certificates.LoadPem(Path.Combine(dir, "cert.pem"), Path.Combine(dir, "key.pem"));
            await using var emulator = await StandaloneEmulator.StartAsync(new StandaloneOptions { Certificate = loaded });

            X509Certificate2? presented = null;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                {
                    presented = cert is null ? null : new X509Certificate2(cert);
                    return cert is not null && cert.RawData.AsSpan().SequenceEqual(generated.RawData);
                },
            };
            using var client = new HttpClient(handler);
            using var response = await client.GetAsync(new Uri(emulator.ArmUrl, TestHelpers.DevTestUrl[TestHelpers.DevTestUrl.IndexOf("/subscriptions", StringComparison.Ordinal)..]));

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "reached ARM over TLS with the given certificate");
            Assert.That(presented?.Thumbprint, Is.EqualTo(generated.Thumbprint));
            presented?.Dispose();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Port_in_use_fails_with_IOException()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;

        Assert.That(async () => await StandaloneEmulator.StartAsync(new StandaloneOptions { ImdsUrl = new Uri($"http://127.0.0.1:{port}") }),
            Throws.InstanceOf<IOException>());
    }

    [TestCase("--imds-url", "http://0.0.0.0:0", "loopback")]
    [TestCase("--arm-url", "https://10.1.2.3:0", "loopback")]
    [TestCase("--imds-url", "not a url", "absolute URL")]
    [TestCase("--key", "/tmp/key.pem", "--key requires --cert")]
    [TestCase("--state", "/nonexistent/state.json", "File not found")]
    [TestCase("--bogus", "x", "Unrecognized")]
    public void Bad_flags_are_reported_clearly(string flag, string value, string expected)
    {
        var result = Program.BuildCommand().Parse([flag, value]);

        Assert.That(result.Errors.Select(e => e.Message), Has.Some.Contains(expected));
    }

    [Test]
    [Platform(Include = "Linux,MacOsX", Reason = "SIGTERM")]
    public async Task Program_prints_one_ready_line_writes_the_certificate_and_stops_cleanly_on_SIGTERM()
    {
        string certOut = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"emulator-{Guid.NewGuid():N}.pem");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.ArgumentList.Add("--cert-out");
        start.ArgumentList.Add(certOut);
        using var process = Process.Start(start)!;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string line = (await process.StandardOutput.ReadLineAsync(cts.Token))!;
            string imds = line.Split(' ').Single(p => p.StartsWith("imds=", StringComparison.Ordinal))["imds=".Length..];

            using var client = new HttpClient();
            using var request = TestHelpers.ImdsRequest($"{imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/");
            using var response = await client.SendAsync(request, cts.Token);

            Assert.That(line, Does.Match(@"^GeneratedArm emulator ready: imds=http://127\.0\.0\.1:\d+ arm=https://127\.0\.0\.1:\d+ env: AZURE_POD_IDENTITY_AUTHORITY_HOST=http://127\.0\.0\.1:\d+ AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential$"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certOut, cts.Token)).Subject, Does.Contain("GeneratedArm"));

            Assert.That(Kill(process.Id, 15), Is.Zero);
            await process.WaitForExitAsync(cts.Token);
            Assert.That(process.ExitCode, Is.Zero);
            Assert.That(await process.StandardError.ReadToEndAsync(cts.Token), Does.Contain("stopped"));
        }
        finally
        {
            if (!process.HasExited) process.Kill();
            File.Delete(certOut);
        }
    }

    [Test]
    [Platform(Include = "Linux,MacOsX", Reason = "SIGTERM")]
    public async Task Program_stops_cleanly_when_a_second_SIGTERM_arrives_while_it_stops()
    {
        // 'timeout', docker and process supervisors send the signal again; the emulator must still exit 0 without a crash.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        using var process = Process.Start(start)!;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string? line = await process.StandardOutput.ReadLineAsync(cts.Token);
            Assert.That(line, Does.StartWith("GeneratedArm emulator ready:"));

            Assert.That(Kill(process.Id, 15), Is.Zero);
            // The second and third may find the process gone already (-1, ESRCH): that is a clean stop too.
            for (int i = 0; i < 2 && !process.HasExited; i++) _ = Kill(process.Id, 15);
            await process.WaitForExitAsync(cts.Token);
            string stderr = await process.StandardError.ReadToEndAsync(cts.Token);

            Assert.That(process.ExitCode, Is.Zero, stderr);
            Assert.That(stderr, Does.Contain("stopped").And.Not.Contain("Exception"));
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
