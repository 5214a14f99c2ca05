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
        var limiter = ImdsRateLimiter.For(runtime);
        var group = endpoints.MapGroup("/metadata");

        // Map (not MapGet): IMDS itself answers other methods with 405, after its header checks.
        group.Map("/identity/oauth2/token", context => ImdsTokenHandler.HandleAsync(context, runtime, limiter));
        group.Map("/identity/info", context => IdentityInfoAsync(context, runtime));
        group.Map("/instance/{**path}", context => ImdsInstanceHandler.HandleAsync(context, runtime));
        group.Map("/versions", VersionsAsync);
        // Any other /metadata path (attested, loadbalancer, scheduledevents… are not emulated): IMDS's checks, then 404.
        // More specific routes (e.g. ARM's /metadata/endpoints) take precedence over this catch-all.
        // 404 is documented ("The requested element doesn't exist", instance-metadata-service.md); the body is not (unverified).
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
        // The token endpoint's "Identity not found" (Azure/aad-pod-identity#778), reused: what /identity/info answers on a VM
        // without identity is not documented (unverified).
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
        response.Headers["x-ms-request-id"] = RequestIds.New();
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

    /// <summary>
    /// The managed-identity throttling answer: 429 <c>{"error":"invalid_request","error_description":"Temporarily throttled, too many requests"}</c>,
    /// verbatim from a real IMDS token response quoted in hashicorp/terraform-provider-azurerm#20901 ("failed to request token from metadata
    /// endpoint: received HTTP status 429 with body: …"; reproduced on a VM with managed identity in hashicorp/go-azure-sdk#371); the same
    /// "429 \"Temporarily throttled, too many requests\"" is quoted in singlestore-labs/singlestore-auth-iam's Azure test helper.
    /// No Retry-After: none of these sources shows response headers (a throttled client backs off per how-to-use-vm-token.md "Retry guidance").
    /// </summary>
    public static Task WriteThrottledAsync(HttpContext context) =>
        WriteIdentityErrorAsync(context, 429, "invalid_request", "Temporarily throttled, too many requests");

    /// <summary>The other endpoints' error shape: <c>{"error":"…"}</c>.</summary>
    public static Task WriteSimpleErrorAsync(HttpContext context, int status, string error) =>
        WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", error);
            w.WriteEndObject();
        });

    /// <summary>
    /// The api-version error, verbatim from instance-metadata-service.md "Versioning" (MicrosoftDocs/azure-compute-docs:
    /// articles/virtual-machines/instance-metadata-service.md): "When you don't specify a version, you get an error with a list of the
    /// newest supported versions" — 400 (the FAQ's and the status table's "Bad request") with
    /// <c>{"error":"Bad request. api-version is invalid or was not specified in the request. For more information refer to aka.ms/azureimds","newest-versions":["2025-04-07","2024-07-17","2024-03-15"]}</c>,
    /// i.e. the three newest versions of the "Supported API versions" list. The wording says it covers an invalid version too.
    /// The documented sample is a <c>/metadata/instance</c> request; the same page makes the version mandatory for every endpoint
    /// but <c>/versions</c>, so the identity endpoint answers the same way — inferred: no captured identity-endpoint response was found
    /// (searched the docs, GitHub issues and SDK test fixtures for "newest-versions" and "api-version is invalid").
    /// MSAL's region discovery relies on this body (its <c>LocalImdsErrorResponse</c> reads <c>newest-versions</c>).
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

    public static bool HasDuplicateQueryParameters(HttpRequest request)
    {
        foreach (var parameter in request.Query)
        {
            if (parameter.Value.Count > 1) return true;
        }
        return false;
    }

    public static bool IsSupportedApiVersion(string? version, string minimum) =>
        version is not null && s_apiVersions.Contains(version) && string.CompareOrdinal(version, minimum) >= 0;

    private static readonly System.Collections.Frozen.FrozenSet<string> s_apiVersions = System.Collections.Frozen.FrozenSet.ToFrozenSet(ApiVersions, StringComparer.Ordinal);

    /// <summary>Checks shared by <c>/metadata/identity/*</c>; returns the rejection written, or null when the request may proceed.</summary>
    public static Task? RejectIdentityRequest(HttpContext context)
    {
        var request = context.Request;
        // "Must not contain an X-Forwarded-For header … Any request that doesn't meet both of these requirements are rejected by the
        // service" (instance-metadata-service.md, "Security and authentication"); microsoft/AntiSSRF's docs say IMDS "will drop" such
        // requests. Status and body are a guess (unverified): searched Microsoft Learn, the IMDS swagger and its examples, GitHub issues
        // (azure-sdk-for-*, MSAL, aad-pod-identity, hashicorp/*) and SDK test fixtures for a captured answer — none found.
        if (request.Headers.ContainsKey("X-Forwarded-For"))
            return WriteIdentityErrorAsync(context, 400, "invalid_request", "Request contains X-Forwarded-For header");
        // Observed body (facts §1.3; Azure SDK tests use it verbatim as IMDS's probe answer).
        if (!HasMetadataHeader(request))
            return WriteIdentityErrorAsync(context, 400, "invalid_request", "Required metadata header not specified");
        // 405 is documented ("The HTTP method (verb) isn't supported on the endpoint", instance-metadata-service.md "Errors and
        // debugging"). The body and the Allow header (RFC 9110 requires one on a 405) are a guess (unverified): no captured IMDS 405
        // was found in the docs, the swagger (whose error enum lists method_not_allowed), GitHub issues or SDK fixtures.
        if (!HttpMethods.IsGet(request.Method))
        {
            context.Response.Headers.Allow = "GET";
            return WriteIdentityErrorAsync(context, 405, "method_not_allowed", "The requested method is not allowed");
        }
        // "Requests with duplicate query parameter names will be rejected" (instance-metadata-service.md, "Query parameters").
        // 400 invalid_request fits how-to-use-vm-token.md's table ("invalid_request: The request … includes a parameter more than
        // once"), but the status and the description are a guess (unverified): no captured answer found in the same searches.
        if (HasDuplicateQueryParameters(request))
            return WriteIdentityErrorAsync(context, 400, "invalid_request", "Duplicate query parameters are not allowed");
        // Missing, unknown or too old (the identity category exists since 2018-02-01, instance-metadata-service.md "Endpoint
        // categories"; how-to-use-vm-token.md: "Use API version 2018-02-01 or greater"): the documented api-version error.
        // That a valid but pre-2018-02-01 version gets this same body is inferred (unverified).
        if (!IsSupportedApiVersion(request.Query["api-version"].ToString() is { Length: > 0 } v ? v : null, FirstIdentityApiVersion))
            return WriteApiVersionErrorAsync(context);
        return null;
    }

    /// <summary>Checks shared by <c>/metadata/instance</c> and <c>/metadata/versions</c> (their error shape is <c>{"error":"…"}</c>).</summary>
    public static Task? RejectNonIdentityRequest(HttpContext context, bool requireApiVersion)
    {
        var request = context.Request;
        // Same rules as the identity endpoint; these three bodies are guesses in the style of the observed one below (unverified,
        // same searches, nothing found).
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
