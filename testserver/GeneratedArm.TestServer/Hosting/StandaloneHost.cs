using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace GeneratedArm.TestServer.Hosting;

/// <summary>Settings of a standalone (Kestrel) emulator.</summary>
public sealed record StandaloneOptions
{
    /// <summary>Where IMDS listens (loopback only; port 0 picks a free port).</summary>
    public Uri ImdsUrl { get; init; } = new("http://127.0.0.1:0");
    /// <summary>Where ARM listens (loopback only; port 0 picks a free port; https uses <see cref="Certificate"/>).</summary>
    public Uri ArmUrl { get; init; } = new("https://127.0.0.1:0");
    /// <summary>The TLS certificate (with private key); a self-signed one is generated when null.</summary>
    public X509Certificate2? Certificate { get; init; }
    /// <summary>
    /// IMDS at its real address, <c>http://169.254.169.254</c> (port 80), instead of <see cref="ImdsUrl"/>. The address must already be on the
    /// loopback interface (the standalone program's <c>--link-local</c> adds it, see <see cref="DevMachine.LinkLocalAddress"/>).
    /// </summary>
    public bool LinkLocal { get; init; }
}

/// <summary>
/// A running standalone emulator: the same composition root as <see cref="AzureEmulator"/>, on Kestrel, bound to loopback.
/// Both listeners serve every endpoint (paths do not overlap), so discovery/JWKS is reachable over HTTP and HTTPS.
/// </summary>
public sealed class StandaloneEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorRuntime _runtime;

    private readonly Uri? _armUrl;

    private StandaloneEmulator(WebApplication app, EmulatorRuntime runtime, Uri imds, Uri? arm, X509Certificate2 certificate)
    {
        _app = app;
        _runtime = runtime;
        ImdsUrl = imds;
        _armUrl = arm;
        Certificate = certificate;
    }

    /// <summary>IMDS's base URL with the actual port, e.g. <c>http://127.0.0.1:41234</c> (the value for <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c>).</summary>
    public Uri ImdsUrl { get; }

    /// <summary>ARM's base URL with the actual port (throws when the fake ARM is off, see <see cref="ServesArm"/>).</summary>
    public Uri ArmUrl => _armUrl ?? throw new InvalidOperationException("The fake ARM is off: the emulator hands out Azure CLI tokens for real Azure.");

    /// <summary>False in <c>azure-cli</c> mode: no ARM listener, tokens are for real Azure.</summary>
    public bool ServesArm => _armUrl is not null;

    /// <summary>The App Service identity endpoint (the value for <c>IDENTITY_ENDPOINT</c>): <c>/msi/token</c> on the IMDS listener.</summary>
    public Uri IdentityEndpoint => new(ImdsUrl, DevMachine.AppServiceEndpoints.TokenPath);

    /// <summary>The value for <c>IDENTITY_HEADER</c> (a secret: anyone with it gets tokens).</summary>
    public string IdentityHeader => _runtime.Options.AppServiceIdentityHeader;

    /// <summary>The certificate ARM's HTTPS listener presents.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The live state.</summary>
    public State.EmulatorState State => _runtime.State;

    /// <summary>The emulator's requests so far.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _runtime.Requests.Snapshot();

    /// <summary>The line the standalone program prints first once it listens (scripts read it; the client setup follows).</summary>
    public string ReadyLine => ServesArm
        ? $"GeneratedArm emulator ready: imds={Base(ImdsUrl)} arm={Base(ArmUrl)} env: AZURE_POD_IDENTITY_AUTHORITY_HOST={Base(ImdsUrl)} AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential"
        : $"GeneratedArm emulator ready: imds={Base(ImdsUrl)} arm=off (token source azure-cli: real tokens for real Azure) env: AZURE_POD_IDENTITY_AUTHORITY_HOST={Base(ImdsUrl)} AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential";

    /// <summary>Starts an emulator on Kestrel. Throws <see cref="ArgumentException"/> for non-loopback URLs and <see cref="IOException"/> when a port is in use.</summary>
    public static async Task<StandaloneEmulator> StartAsync(StandaloneOptions options, Action<EmulatorBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var imdsUrl = options.LinkLocal ? DevMachine.LinkLocalAddress.ImdsUrl : options.ImdsUrl;
        var imdsEndPoint = options.LinkLocal ? new IPEndPoint(DevMachine.LinkLocalAddress.Address, 80) : LoopbackEndPoint(options.ImdsUrl, "--imds-url");
        var armEndPoint = LoopbackEndPoint(options.ArmUrl, "--arm-url");
        var certificate = options.Certificate ?? Certificates.CreateSelfSigned();

        var builder = new EmulatorBuilder();
        configure?.Invoke(builder);
        var runtime = new EmulatorRuntime(builder.Build());
        bool serveArm = runtime.Options.ServeArm;
        ListenOptions? imdsListen = null, armListen = null;
        var app = EmulatorApplication.Build(runtime, host =>
        {
            host.WebHost.UseKestrelCore();
            host.WebHost.UseKestrelHttpsConfiguration();
            host.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Listen(imdsEndPoint, l =>
                {
                    imdsListen = l;
                    if (imdsUrl.Scheme == Uri.UriSchemeHttps) l.UseHttps(certificate);
                });
                if (!serveArm) return;
                kestrel.Listen(armEndPoint, l =>
                {
                    armListen = l;
                    if (options.ArmUrl.Scheme == Uri.UriSchemeHttps) l.UseHttps(certificate);
                });
            });
        });
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            runtime.Dispose();
            throw;
        }
        var imds = WithPort(imdsUrl, imdsListen!.IPEndPoint!.Port);
        var arm = armListen is null ? null : WithPort(options.ArmUrl, armListen.IPEndPoint!.Port);
        return new StandaloneEmulator(app, runtime, imds, arm, certificate);
    }

    public async ValueTask DisposeAsync()
    {
        _runtime.Stop();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _runtime.Dispose();
    }

    private static string Base(Uri uri) => uri.GetLeftPart(UriPartial.Authority);

    private static Uri WithPort(Uri uri, int port) => new UriBuilder(uri) { Port = port, Path = "/" }.Uri;

    /// <summary>Only loopback: the emulator hands out tokens to anyone who asks, as IMDS does on a VM.</summary>
    internal static IPEndPoint LoopbackEndPoint(Uri url, string flag)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"{flag} must be an http:// or https:// URL, not '{url}'.");
        IPAddress? address = url.IsLoopback && string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            ? IPAddress.Loopback
            : IPAddress.TryParse(url.IdnHost, out var parsed) ? parsed : null;
        if (address is null || !IPAddress.IsLoopback(address))
            throw new ArgumentException($"{flag} must use a loopback address (127.0.0.1, [::1] or localhost), not '{url.Host}'.");
        if (url.AbsolutePath != "/")
            throw new ArgumentException($"{flag} must not have a path ('{url.AbsolutePath}').");
        return new IPEndPoint(address, url.Port);
    }
}
