using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GeneratedArm.Benchmarks.Load;

/// <summary>A captured answer: what the floor serves in place of the emulator.</summary>
public sealed record CannedAnswer(int Status, string ContentType, byte[] Body);

/// <summary>
/// The floor: a minimal Kestrel app on loopback (HTTP and HTTPS with the emulator's certificate) that answers each path with the
/// bytes the emulator answered once — the fastest anything serving those bytes through Kestrel can be.
/// </summary>
public sealed class FloorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FloorServer(WebApplication app, Uri http, Uri https)
    {
        _app = app;
        HttpUrl = http;
        HttpsUrl = https;
    }

    public Uri HttpUrl { get; }

    public Uri HttpsUrl { get; }

    public static async Task<FloorServer> StartAsync(IReadOnlyDictionary<string, CannedAnswer> answers, X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate));
        });
        var app = builder.Build();
        app.Run(context =>
        {
            if (!answers.TryGetValue(context.Request.Path.Value ?? "", out var answer))
            {
                context.Response.StatusCode = 404;
                return Task.CompletedTask;
            }
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = answer.ContentType;
            context.Response.ContentLength = answer.Body.Length;
            return context.Response.Body.WriteAsync(answer.Body).AsTask();
        });
        await app.StartAsync().ConfigureAwait(false);
        var urls = app.Urls.Select(u => new Uri(u)).ToList();
        return new FloorServer(app, urls.First(u => u.Scheme == Uri.UriSchemeHttp), urls.First(u => u.Scheme == Uri.UriSchemeHttps));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
