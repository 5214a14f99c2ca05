using System.Net;
using System.Text.Json;
using GeneratedArm.TestServer.Faults;
using GeneratedArm.TestServer.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GeneratedArm.TestServer.Admin;

/// <summary>
/// The emulator's own control API under the reserved prefix <c>/_emulator</c>; only loopback callers may use it
/// (in-process requests have no remote address and count as loopback). Never subject to fault rules.
/// <list type="bullet">
/// <item><c>GET/POST/DELETE /_emulator/faults</c>, <c>DELETE /_emulator/faults/{name}</c>, <c>POST /_emulator/faults/presets/{preset}</c></item>
/// <item><c>GET /_emulator/requests</c>, <c>GET/PUT /_emulator/state</c>, <c>POST /_emulator/reset</c></item>
/// </list>
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
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }));

        admin.MapGet("/faults", Loopback(context => WriteAsync(context, 200, runtime.Faults.Rules)));
        admin.MapPost("/faults", Loopback(async context =>
        {
            var rule = await ReadAsync<FaultRule>(context).ConfigureAwait(false);
            if (rule is null) return;
            await WriteAsync(context, 201, runtime.Faults.Add(rule)).ConfigureAwait(false);
        }));
        admin.MapPost("/faults/presets/{preset}", Loopback(context =>
        {
            var query = context.Request.Query;
            double seconds = double.TryParse(query["seconds"], System.Globalization.CultureInfo.InvariantCulture, out double s) ? s : 70;
            int count = int.TryParse(query["count"], System.Globalization.CultureInfo.InvariantCulture, out int c) ? c : 3;
            TimeSpan? retryAfter = double.TryParse(query["retryAfter"], System.Globalization.CultureInfo.InvariantCulture, out double r) ? TimeSpan.FromSeconds(r) : null;
            FaultRule? rule = context.Request.RouteValues["preset"]?.ToString() switch
            {
                "imds-updating" => FaultRules.ImdsUpdating(TimeSpan.FromSeconds(seconds)),
                "imds-throttled" => FaultRules.ImdsThrottled(count, retryAfter),
                "identity-provisioning" => FaultRules.IdentityStillProvisioning(TimeSpan.FromSeconds(seconds)),
                "slow-first-response" => FaultRules.SlowFirstResponse(query.ContainsKey("seconds") ? TimeSpan.FromSeconds(seconds) : null),
                "arm-throttled" => FaultRules.ArmThrottled(count, retryAfter ?? TimeSpan.FromSeconds(5)),
                _ => null,
            };
            if (rule is null)
                return Problem(context, 404, "Unknown preset. Known: imds-updating, imds-throttled, identity-provisioning, slow-first-response, arm-throttled.");
            return WriteAsync(context, 201, runtime.Faults.Add(rule));
        }));
        admin.MapDelete("/faults", Loopback(context =>
        {
            runtime.Faults.Clear();
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }));
        admin.MapDelete("/faults/{name}", Loopback(context =>
        {
            bool removed = runtime.Faults.Remove(context.Request.RouteValues["name"]?.ToString() ?? "");
            context.Response.StatusCode = removed ? StatusCodes.Status204NoContent : StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }));

        admin.MapGet("/requests", Loopback(context => WriteAsync(context, 200, runtime.Requests.Snapshot().Select(r => new
        {
            r.ReceivedAt,
            r.Method,
            Uri = r.Uri.ToString(),
            r.Headers,
            r.StatusCode,
        }))));

        admin.MapGet("/state", Loopback(context => WriteAsync(context, 200, runtime.State.Snapshot())));
        admin.MapPut("/state", Loopback(async context =>
        {
            var snapshot = await ReadAsync<State.EmulatorStateSnapshot>(context).ConfigureAwait(false);
            if (snapshot is null) return;
            runtime.State.Load(snapshot);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }));
        return endpoints;
    }

    public static bool IsLoopback(HttpContext context) =>
        context.Connection.RemoteIpAddress is not { } address || IPAddress.IsLoopback(address);

    /// <summary>Wraps a handler so that non-loopback callers get 403.</summary>
    public static RequestDelegate Loopback(RequestDelegate handler) => context =>
        IsLoopback(context) ? handler(context) : Problem(context, 403, "The emulator's admin API only accepts loopback callers.");

    private static Task Problem(HttpContext context, int status, string message) =>
        JsonResponse.WriteAsync(context.Response, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        });

    private static async Task WriteAsync<T>(HttpContext context, int status, T value)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(value, EmulatorJson.Options);
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonResponse.ContentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body).ConfigureAwait(false);
    }

    private static async Task<T?> ReadAsync<T>(HttpContext context) where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, EmulatorJson.Options, context.RequestAborted).ConfigureAwait(false);
            if (value is not null) return value;
            await Problem(context, 400, "The request body is empty.").ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await Problem(context, 400, "Malformed JSON: " + e.Message).ConfigureAwait(false);
        }
        return null;
    }
}
