using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.State;
using Microsoft.AspNetCore.Http;

namespace GeneratedArm.TestServer.Imds;

/// <summary><c>GET /metadata/identity/oauth2/token</c> (how-to-use-vm-token.md; imds.json 2023-07-01 <c>Identity_GetToken</c>).</summary>
internal static class ImdsTokenHandler
{
    public static async Task HandleAsync(HttpContext context, EmulatorRuntime runtime, ImdsRateLimiter limiter)
    {
        using var lease = limiter.TryAcquire();
        if (lease is null)
        {
            // "Requests exceeding this threshold will be rejected with 429 responses" (instance-metadata-service.md, "Rate limiting").
            await ImdsRules.WriteThrottledAsync(context).ConfigureAwait(false);
            return;
        }
        if (ImdsRules.RejectIdentityRequest(context) is { } rejected)
        {
            await rejected.ConfigureAwait(false);
            return;
        }

        var query = context.Request.Query;
        string resource = query["resource"].ToString();
        if (resource.Length == 0)
        {
            // Verbatim, status 400: IMDS's answer "while talking directly" to it, quoted in Azure/aad-pod-identity PR #450
            // ("Response status: 400 Bad Request"), and Azure SDK tests' captured IMDS probe response (facts §1.3).
            await ImdsRules.WriteIdentityErrorAsync(context, 400, "invalid_request", "Required query variable 'resource' is missing").ConfigureAwait(false);
            return;
        }

        if (runtime.AzureCli is { } cli)
        {
            // --token-source azure-cli: the developer's own token, whatever identity was asked for (there is only one login); client_id is the
            // token's appid. Errors get 400, IMDS's status for "no identity to give a token for" ("Identity not found"): clients do not retry
            // a 400, so the reason reaches the developer at once instead of after minutes of retries.
            await DevMachine.AzureCliResponder.ServeAsync(context, runtime, cli, "IMDS", resource,
                token => WriteTokenAsync(context, token.AccessToken, token.ClientId, token.ExpiresOn, token.NotBefore, resource, runtime.UtcNow),
                message => ImdsRules.WriteIdentityErrorAsync(context, 400, "invalid_request", message)).ConfigureAwait(false);
            return;
        }

        var (identity, error) = SelectIdentity(runtime.State, query);
        if (identity is null)
        {
            await ImdsRules.WriteIdentityErrorAsync(context, 400, "invalid_request", error!).ConfigureAwait(false);
            return;
        }

        bool bypassCache = string.Equals(query["bypass_cache"], "true", StringComparison.Ordinal);
        var token = runtime.Tokens.GetOrIssue(identity, resource, bypassCache);
        await WriteTokenAsync(context, token.AccessToken, identity.ClientId, token.ExpiresOn, token.NotBefore, resource, runtime.Tokens.Now).ConfigureAwait(false);
    }

    /// <summary>IMDS's token answer (emulated tokens and tokens from the Azure CLI).</summary>
    internal static Task WriteTokenAsync(HttpContext context, string accessToken, string clientId, DateTimeOffset expiresOn, DateTimeOffset notBefore,
        string resource, DateTimeOffset now)
    {
        string expiresIn = ImdsRules.Seconds(expiresOn - now);
        // Every field a string (imds.json IdentityTokenResponse); expires_in before expires_on (MSAL.NET reads both into one field, last wins).
        return ImdsRules.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("access_token", accessToken);
            w.WriteString("refresh_token", "");
            w.WriteString("client_id", clientId);
            w.WriteString("expires_in", expiresIn);
            w.WriteString("expires_on", ImdsRules.Unix(expiresOn));
            w.WriteString("ext_expires_in", expiresIn);
            w.WriteString("not_before", ImdsRules.Unix(notBefore));
            w.WriteString("resource", resource);
            w.WriteString("token_type", "Bearer");
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// IMDS's identity selection: by <c>client_id</c>, <c>object_id</c> or <c>msi_res_id</c> (older name <c>mi_res_id</c>);
    /// none → the system-assigned identity, else the only user-assigned one, else an error.
    /// </summary>
    internal static (ManagedIdentityInfo? Identity, string? Error) SelectIdentity(EmulatorState state, IQueryCollection query)
    {
        string clientId = query["client_id"].ToString();
        string objectId = query["object_id"].ToString();
        string resourceId = query["msi_res_id"].ToString() is { Length: > 0 } r ? r : query["mi_res_id"].ToString();
        int selectors = (clientId.Length > 0 ? 1 : 0) + (objectId.Length > 0 ? 1 : 0) + (resourceId.Length > 0 ? 1 : 0);
        if (selectors > 1)
        {
            // imds.json (2023-07-01 Identity_GetToken): each selector is "Mutually exclusive with" the other two. What IMDS answers is
            // a guess (unverified): searched Microsoft Learn, the swagger and its examples, GitHub issues and SDK test fixtures — no
            // captured response. (oleewere/fluent-plugin-azurestorage-gen2#11 reports client_id + msi_res_id returning a token, but its
            // "no azure identity found for request clientID" errors come from aad-pod-identity's NMI, not from IMDS, so it proves nothing.)
            return (null, "Only one of client_id, object_id or msi_res_id may be specified in the token request");
        }

        var vm = state.ImdsVirtualMachine;
        IReadOnlyList<ManagedIdentityInfo> identities = vm is null ? [] : state.IdentitiesOf(vm);
        ManagedIdentityInfo? selected;
        if (clientId.Length > 0)
        {
            selected = ImdsRules.Find(identities, i => i.ClientId, clientId);
        }
        else if (objectId.Length > 0)
        {
            selected = ImdsRules.Find(identities, i => i.PrincipalId, objectId);
        }
        else if (resourceId.Length > 0)
        {
            selected = ImdsRules.Find(identities, i => i.ResourceId, resourceId);
        }
        else
        {
            selected = identities.FirstOrDefault(i => i.Kind == ManagedIdentityKind.SystemAssigned);
            if (selected is null)
            {
                var userAssigned = identities.Where(i => i.Kind == ManagedIdentityKind.UserAssigned).ToList();
                if (userAssigned.Count > 1)
                {
                    // Verbatim (Hexadite/acs-keyvault-agent PR #43; Azure/azure-sdk-for-rust PR #748).
                    return (null, "Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request");
                }
                selected = userAssigned.FirstOrDefault();
            }
        }
        // Verbatim (Azure/aad-pod-identity#778).
        return selected is null ? (null, "Identity not found") : (selected, null);
    }
}

/// <summary>IMDS's managed-identity limits: 20 requests per second and 5 concurrent requests per VM (instance-metadata-service.md). Off unless enabled.</summary>
internal sealed class ImdsRateLimiter(EmulatorRuntime runtime)
{
    public const int RequestsPerSecond = 20;
    public const int MaxConcurrent = 5;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<EmulatorRuntime, ImdsRateLimiter> s_limiters = new();

    /// <summary>The limiter of <paramref name="runtime"/>'s token endpoint (one per emulator; tests hold its leases to fill the concurrency slots).</summary>
    public static ImdsRateLimiter For(EmulatorRuntime runtime) => s_limiters.GetValue(runtime, r => new ImdsRateLimiter(r));

    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _recent = new();
    private int _inFlight;

    /// <summary>A lease to dispose when the request completes, or null when the request must get 429.</summary>
    public IDisposable? TryAcquire()
    {
        if (!runtime.Options.ImdsRateLimits) return NoLimit.Instance;
        var now = runtime.UtcNow;
        lock (_gate)
        {
            while (_recent.Count > 0 && now - _recent.Peek() >= TimeSpan.FromSeconds(1)) _recent.Dequeue();
            if (_recent.Count >= RequestsPerSecond || _inFlight >= MaxConcurrent) return null;
            _recent.Enqueue(now);
            _inFlight++;
            return new Lease(this);
        }
    }

    private void Release()
    {
        lock (_gate) { _inFlight--; }
    }

    private sealed class Lease(ImdsRateLimiter owner) : IDisposable
    {
        private int _disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Release();
        }
    }

    private sealed class NoLimit : IDisposable
    {
        public static readonly NoLimit Instance = new();
        public void Dispose() { }
    }
}
