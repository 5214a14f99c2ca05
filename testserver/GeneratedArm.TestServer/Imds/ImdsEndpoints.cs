using System.Globalization;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GeneratedArm.TestServer.Imds;

/// <summary>
/// The Azure Instance Metadata Service (IMDS) at <c>http://169.254.169.254/metadata</c>.
/// Rules and bodies: learn.microsoft.com/azure/virtual-machines/instance-metadata-service and
/// learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token (facts file §1).
/// </summary>
internal static class ImdsEndpoints
{
    public static IEndpointRouteBuilder MapImds(this IEndpointRouteBuilder endpoints)
    {
        var runtime = endpoints.ServiceProvider.GetRequiredService<EmulatorRuntime>();
        var limiter = new ImdsRateLimiter(runtime);
        var group = endpoints.MapGroup("/metadata");

        // Map (not MapGet): IMDS itself answers other methods with 405, after its header checks.
        group.Map("/identity/oauth2/token", context => ImdsTokenHandler.HandleAsync(context, runtime, limiter));
        group.Map("/identity/info", context => IdentityInfoAsync(context, runtime));
        group.Map("/instance/{**path}", context => ImdsInstanceHandler.HandleAsync(context, runtime));
        group.Map("/versions", VersionsAsync);
        // Any other /metadata path (attested, loadbalancer, scheduledevents… are not emulated): IMDS's checks, then 404.
        // More specific routes (e.g. ARM's /metadata/endpoints) take precedence over this catch-all.
        group.Map("/{**rest}", context =>
            ImdsRules.RejectNonIdentityRequest(context, requireApiVersion: false) ?? ImdsRules.WriteSimpleErrorAsync(context, 404, "Not found"));
        return endpoints;
    }

    // GET /metadata/versions: the one endpoint that needs no api-version.
    private static Task VersionsAsync(HttpContext context)
    {
        if (ImdsRules.RejectNonIdentityRequest(context, requireApiVersion: false) is { } rejected) return rejected;
        return ImdsRules.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("apiVersions");
            foreach (var v in ImdsRules.ApiVersions.Order(StringComparer.Ordinal)) w.WriteStringValue(v);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    // GET /metadata/identity/info: {"tenantId": "..."} of the VM's system-assigned identity (imds.json Identity_GetInfo).
    private static Task IdentityInfoAsync(HttpContext context, EmulatorRuntime runtime)
    {
        if (ImdsRules.RejectIdentityRequest(context) is { } rejected) return rejected;
        var vm = runtime.State.ImdsVirtualMachine;
        var identities = vm is null ? [] : runtime.State.IdentitiesOf(vm);
        var identity = identities.Count > 0 ? identities[0] : null;
        if (identity is null) return ImdsRules.WriteIdentityErrorAsync(context, 400, "invalid_request", "Identity not found");
        return ImdsRules.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("tenantId", identity.TenantId);
            w.WriteEndObject();
        });
    }
}

/// <summary>IMDS-wide request rules and response conventions.</summary>
internal static class ImdsRules
{
    /// <summary>The <c>Server</c> header real IMDS sends (a build seen in the wild, e.g. Azure/azure-sdk-for-net#43618).</summary>
    public const string ServerHeader = "IMDS/150.870.65.1854";

    /// <summary>IMDS's supported api-versions (instance-metadata-service.md, "Versioning").</summary>
    public static readonly IReadOnlyList<string> ApiVersions =
    [
        "2025-04-07", "2024-07-17", "2024-03-15", "2023-11-15", "2023-07-01", "2021-12-13", "2021-11-15", "2021-11-01",
        "2021-10-01", "2021-08-01", "2021-05-01", "2021-03-01", "2021-02-01", "2021-01-01", "2020-12-01", "2020-10-01",
        "2020-09-01", "2020-07-15", "2020-06-01", "2019-11-01", "2019-08-15", "2019-08-01", "2019-06-04", "2019-06-01",
        "2019-04-30", "2019-03-11", "2019-02-01", "2018-10-01", "2018-04-02", "2018-02-01", "2017-12-01", "2017-10-01",
        "2017-08-01", "2017-04-02", "2017-03-01",
    ];

    /// <summary>The identity category exists since 2018-02-01; the instance category since 2017-04-02 (2017-03-01 for the oldest fields).</summary>
    public const string FirstIdentityApiVersion = "2018-02-01";

    public static void AddHeaders(HttpResponse response)
    {
        response.Headers["Server"] = ServerHeader;
        response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
    }

    public static Task WriteAsync(HttpContext context, int status, Action<System.Text.Json.Utf8JsonWriter> body)
    {
        AddHeaders(context.Response);
        return JsonResponse.WriteAsync(context.Response, status, body);
    }

    /// <summary>The identity endpoint's error shape: <c>{"error":"…","error_description":"…"}</c>.</summary>
    public static Task WriteIdentityErrorAsync(HttpContext context, int status, string error, string description) =>
        WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", error);
            w.WriteString("error_description", description);
            w.WriteEndObject();
        });

    /// <summary>The other endpoints' error shape: <c>{"error":"…"}</c>.</summary>
    public static Task WriteSimpleErrorAsync(HttpContext context, int status, string error) =>
        WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", error);
            w.WriteEndObject();
        });

    /// <summary>
    /// The api-version error (instance-metadata-service.md, "Versioning"):
    /// <c>{"error":"Bad request. api-version is invalid or was not specified in the request. For more information refer to aka.ms/azureimds","newest-versions":[…]}</c>.
    /// </summary>
    public static Task WriteApiVersionErrorAsync(HttpContext context) =>
        WriteAsync(context, 400, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", "Bad request. api-version is invalid or was not specified in the request. For more information refer to aka.ms/azureimds");
            w.WriteStartArray("newest-versions");
            foreach (var v in ApiVersions.Take(3)) w.WriteStringValue(v);
            w.WriteEndArray();
            w.WriteEndObject();
        });

    /// <summary>"Must contain the header Metadata: true" — the value must be "true", in all lower case (how-to-use-vm-token.md).</summary>
    public static bool HasMetadataHeader(HttpRequest request) =>
        request.Headers.TryGetValue("Metadata", out var values) && values.Count == 1 && string.Equals(values[0], "true", StringComparison.Ordinal);

    public static bool HasDuplicateQueryParameters(HttpRequest request) => request.Query.Any(p => p.Value.Count > 1);

    public static bool IsSupportedApiVersion(string? version, string minimum) =>
        version is not null && ApiVersions.Contains(version, StringComparer.Ordinal) && string.CompareOrdinal(version, minimum) >= 0;

    /// <summary>Checks shared by <c>/metadata/identity/*</c>; returns the rejection written, or null when the request may proceed.</summary>
    public static Task? RejectIdentityRequest(HttpContext context)
    {
        var request = context.Request;
        // "Must not contain an X-Forwarded-For header" (instance-metadata-service.md). The exact body is not documented (unverified).
        if (request.Headers.ContainsKey("X-Forwarded-For"))
            return WriteIdentityErrorAsync(context, 400, "invalid_request", "Request contains X-Forwarded-For header");
        // Observed body (facts §1.3; Azure SDK tests use it verbatim as IMDS's probe answer).
        if (!HasMetadataHeader(request))
            return WriteIdentityErrorAsync(context, 400, "invalid_request", "Required metadata header not specified");
        if (!HttpMethods.IsGet(request.Method))
        {
            context.Response.Headers.Allow = "GET";
            return WriteIdentityErrorAsync(context, 405, "method_not_allowed", "The requested method is not allowed");
        }
        // "Requests with duplicate query parameter names will be rejected" (instance-metadata-service.md; body unverified).
        if (HasDuplicateQueryParameters(request))
            return WriteIdentityErrorAsync(context, 400, "invalid_request", "Duplicate query parameters are not allowed");
        if (!IsSupportedApiVersion(request.Query["api-version"].ToString() is { Length: > 0 } v ? v : null, FirstIdentityApiVersion))
            return WriteApiVersionErrorAsync(context);
        return null;
    }

    /// <summary>Checks shared by <c>/metadata/instance</c> and <c>/metadata/versions</c> (their error shape is <c>{"error":"…"}</c>).</summary>
    public static Task? RejectNonIdentityRequest(HttpContext context, bool requireApiVersion)
    {
        var request = context.Request;
        if (request.Headers.ContainsKey("X-Forwarded-For"))
            return WriteSimpleErrorAsync(context, 400, "Bad request: . Request contains X-Forwarded-For header");
        // Body seen in MicrosoftDocs/azure-docs#91624.
        if (!HasMetadataHeader(request))
            return WriteSimpleErrorAsync(context, 400, "Bad request: . Required metadata header not specified");
        if (!HttpMethods.IsGet(request.Method))
        {
            context.Response.Headers.Allow = "GET";
            return WriteSimpleErrorAsync(context, 405, "Method not allowed");
        }
        if (HasDuplicateQueryParameters(request))
            return WriteSimpleErrorAsync(context, 400, "Bad request: . Duplicate query parameters are not allowed");
        if (requireApiVersion && !IsSupportedApiVersion(request.Query["api-version"].ToString() is { Length: > 0 } v ? v : null, "2017-03-01"))
            return WriteApiVersionErrorAsync(context);
        return null;
    }

    internal static string Unix(DateTimeOffset t) => t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    internal static string Seconds(TimeSpan t) => ((long)Math.Max(0, t.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    internal static ManagedIdentityInfo? Find(IReadOnlyList<ManagedIdentityInfo> identities, Func<ManagedIdentityInfo, string> key, string value) =>
        identities.FirstOrDefault(i => string.Equals(key(i), value, StringComparison.OrdinalIgnoreCase));
}
