using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GeneratedArm.TestServer.Entra;

/// <summary>
/// The token issuer's OpenID Connect discovery documents and JWKS, on Entra's paths
/// (<c>/{tenant}/.well-known/openid-configuration</c> v1, <c>/{tenant}/v2.0/.well-known/openid-configuration</c> v2,
/// <c>/{tenant}/discovery/keys</c>, <c>/{tenant}/discovery/v2.0/keys</c>), so that Microsoft.IdentityModel and
/// ASP.NET's JwtBearer validate the emulator's tokens with <c>Authority = {emulator}/{tenant}</c> and nothing else.
/// URLs inside the documents point back at the host the request came to.
/// </summary>
internal static class EntraEndpoints
{
    public static IEndpointRouteBuilder MapEntra(this IEndpointRouteBuilder endpoints)
    {
        var runtime = endpoints.ServiceProvider.GetRequiredService<EmulatorRuntime>();
        endpoints.MapGet("/{tenant}/.well-known/openid-configuration", context => DiscoveryAsync(context, runtime, v2: false));
        endpoints.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", context => DiscoveryAsync(context, runtime, v2: true));
        endpoints.MapGet("/{tenant}/discovery/keys", context => KeysAsync(context, runtime));
        endpoints.MapGet("/{tenant}/discovery/v2.0/keys", context => KeysAsync(context, runtime));
        return endpoints;
    }

    private static bool IsTenantAlias(string tenant) =>
        tenant is "common" or "organizations" or "consumers";

    private static Task? RejectUnknownTenant(HttpContext context, EmulatorRuntime runtime, out string tenant)
    {
        tenant = context.Request.RouteValues["tenant"]?.ToString() ?? "";
        if (IsTenantAlias(tenant) || runtime.State.IsKnownTenant(tenant)) return null;
        string t = tenant;
        // Entra's answer for an unknown tenant (AADSTS90002).
        return JsonResponse.WriteAsync(context.Response, 400, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", "invalid_tenant");
            w.WriteString("error_description", $"AADSTS90002: Tenant '{t}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.");
            w.WriteEndObject();
        });
    }

    private static Task DiscoveryAsync(HttpContext context, EmulatorRuntime runtime, bool v2)
    {
        if (RejectUnknownTenant(context, runtime, out string tenant) is { } rejected) return rejected;
        string baseUrl = $"{context.Request.Scheme}://{context.Request.Host}";
        string tenantForIssuer = IsTenantAlias(tenant) ? "{tenantid}" : tenant;
        string issuer = v2 ? Issuers.V2(tenantForIssuer) : Issuers.V1(tenantForIssuer);
        string oauth = v2 ? "oauth2/v2.0" : "oauth2";
        return JsonResponse.WriteAsync(context.Response, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("token_endpoint", $"{baseUrl}/{tenant}/{oauth}/token");
            w.WriteStartArray("token_endpoint_auth_methods_supported");
            w.WriteStringValue("client_secret_post");
            w.WriteStringValue("private_key_jwt");
            w.WriteStringValue("client_secret_basic");
            w.WriteEndArray();
            w.WriteString("jwks_uri", v2 ? $"{baseUrl}/{tenant}/discovery/v2.0/keys" : $"{baseUrl}/{tenant}/discovery/keys");
            w.WriteStartArray("response_modes_supported");
            w.WriteStringValue("query");
            w.WriteStringValue("fragment");
            w.WriteStringValue("form_post");
            w.WriteEndArray();
            w.WriteStartArray("subject_types_supported");
            w.WriteStringValue("pairwise");
            w.WriteEndArray();
            w.WriteStartArray("id_token_signing_alg_values_supported");
            w.WriteStringValue("RS256");
            w.WriteEndArray();
            w.WriteStartArray("response_types_supported");
            w.WriteStringValue("code");
            w.WriteStringValue("id_token");
            w.WriteStringValue("code id_token");
            w.WriteStringValue("token id_token");
            w.WriteStringValue("token");
            w.WriteEndArray();
            w.WriteString("issuer", issuer);
            w.WriteString("authorization_endpoint", $"{baseUrl}/{tenant}/{oauth}/authorize");
            w.WriteString("tenant_region_scope", "NA");
            w.WriteString("cloud_instance_name", "microsoftonline.com");
            w.WriteEndObject();
        });
    }

    private static Task KeysAsync(HttpContext context, EmulatorRuntime runtime)
    {
        if (RejectUnknownTenant(context, runtime, out _) is { } rejected) return rejected;
        return JsonResponse.WriteAsync(context.Response, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("keys");
            runtime.Options.SigningKey.WriteJwk(w);
            foreach (var key in runtime.Options.AdditionalTrustedKeys) key.WriteJwk(w);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
