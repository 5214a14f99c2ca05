using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GeneratedArm.Benchmarks;

/// <summary>
/// The least a real server can do: Kestrel over HTTPS on 127.0.0.1 (port chosen by the OS), answering every request
/// with the resource group's bytes and the one header the canned handler sends. Whatever a client spends beyond
/// <c>GetStringAsync</c> against this is its own cost on a real socket.
/// </summary>
internal sealed class LoopbackArmServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;

    private LoopbackArmServer(WebApplication app, X509Certificate2 certificate, Uri endpoint)
    {
        _app = app;
        _certificate = certificate;
        Endpoint = endpoint;
    }

    /// <summary><c>https://127.0.0.1:{port}</c>.</summary>
    public Uri Endpoint { get; }

    public static async Task<LoopbackArmServer> StartAsync()
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var body = CannedAzureHandler.ResourceGroupBytes;
        app.Run(context =>
        {
            var response = context.Response;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = body.Length;
            response.Headers["x-ms-request-id"] = "00000000-0000-0000-0000-000000000000";
            return response.Body.WriteAsync(body).AsTask();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new LoopbackArmServer(app, certificate, new Uri(address));
    }

    /// <summary>A pooled HTTP/1.1 handler that trusts exactly this server's certificate.</summary>
    public HttpMessageHandler CreateHandler()
    {
        var expected = _certificate.RawData;
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(expected),
            },
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));
        // Through PKCS#12 so the TLS stack can use the private key on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
