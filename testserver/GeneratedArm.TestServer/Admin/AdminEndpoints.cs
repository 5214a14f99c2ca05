using System.Net;
using GeneratedArm.TestServer.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GeneratedArm.TestServer.Admin;

/// <summary>
/// The emulator's own control API under the reserved prefix <c>/_emulator</c>; only loopback callers may use it
/// (in-process requests have no remote address and count as loopback).
/// </summary>
internal static class AdminEndpoints
{
    public const string Prefix = "/_emulator";

    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder endpoints)
    {
        var runtime = endpoints.ServiceProvider.GetRequiredService<EmulatorRuntime>();
        var admin = endpoints.MapGroup(Prefix);
        admin.MapPost("/reset", Loopback(context =>
        {
            runtime.Reset();
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        }));
        return endpoints;
    }

    public static bool IsLoopback(HttpContext context) =>
        context.Connection.RemoteIpAddress is not { } address || IPAddress.IsLoopback(address);

    /// <summary>Wraps a handler so that non-loopback callers get 403.</summary>
    public static RequestDelegate Loopback(RequestDelegate handler) => context =>
    {
        if (IsLoopback(context)) return handler(context);
        return JsonResponse.WriteAsync(context.Response, 403, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", "The emulator's admin API only accepts loopback callers.");
            w.WriteEndObject();
        });
    };
}
