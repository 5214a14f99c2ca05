using System.Diagnostics;
using System.Net;
using GeneratedArm.Internal;
using Microsoft.Extensions.Logging;

namespace GeneratedArm.Identity;

/// <summary>
/// Sends IMDS token requests with IMDS's retry guidance: 404, 408, 429 and 5xx (and network failures or
/// per-attempt timeouts) on exponential backoff with jitter or the server's <c>Retry-After</c>; 410 on a fixed
/// cadence for at least <see cref="ManagedIdentityCredentialOptions.GoneRetryDuration"/>; everything bounded by
/// the overall deadline; the caller's cancellation ends it at once. See <see cref="RetryMath"/> for why the loop
/// is hand-written.
/// </summary>
internal sealed class ImdsTokenClient : IDisposable
{
    private const string TokenPath = "/metadata/identity/oauth2/token";
    private const string ApiVersion = "2018-02-01";

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly ManagedIdentityId _identity;
    private readonly RetryOptions _retry;
    private readonly RetrySettings _settings;
    private readonly TimeSpan _goneDuration;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _endpointText;
    private readonly string _identityText;

    public ImdsTokenClient(ManagedIdentityCredentialOptions options, ILogger logger)
    {
        _endpoint = options.ResolveEndpoint();
        _identity = options.Identity ?? ManagedIdentityId.SystemAssigned;
        _retry = (options.Retry ?? new RetryOptions()).Clone();
        _retry.Validate(nameof(options.Retry));
        _goneDuration = options.GoneRetryDuration;
        _time = options.TimeProvider ?? TimeProvider.System;
        _settings = new RetrySettings(
            _retry, _time, _retry.NetworkTimeout != Timeout.InfiniteTimeSpan, _retry.NetworkTimeout, RetryWindow: options.GoneRetryDuration, RetryWindowDelay: options.GoneRetryDelay, ReportsElapsed: true);
        _logger = logger;
        _endpointText = _endpoint.ToString();
        _identityText = _identity.ToString();

        // IMDS must be called without a proxy; our own handler guarantees it. A caller's handler is theirs to configure.
        // IMDS is link-local: on an Azure VM a connection is immediate, elsewhere the address often swallows SYNs, so a
        // short connect timeout turns "not on Azure" into a prompt "IMDS not reachable" instead of a long hang.
        var handler = options.Transport ?? new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(5) };
        _http = new HttpClient(handler, disposeHandler: options.Transport is null) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public Uri Endpoint => _endpoint;

    public ManagedIdentityId Identity => _identity;

    /// <summary>Builds <c>{endpoint}/metadata/identity/oauth2/token?api-version=2018-02-01&amp;resource=…[&amp;client_id=…]</c>.</summary>
    public Uri BuildRequestUri(string resource)
    {
        var baseText = _endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (baseText.EndsWith(TokenPath, StringComparison.OrdinalIgnoreCase))
        {
            // The full token URL was given as the endpoint: do not append the path twice.
            baseText = baseText[..^TokenPath.Length];
        }

        var query = $"?api-version={ApiVersion}&resource={Uri.EscapeDataString(resource)}";
        if (_identity.QueryParameterName is { } name)
        {
            query += $"&{name}={Uri.EscapeDataString(_identity.Value!)}";
        }

        return new Uri(baseText + TokenPath + query, UriKind.Absolute);
    }

    public async Task<AccessToken> RequestTokenAsync(string resource, Uri requestUri, CancellationToken cancellationToken)
    {
        using var activity = GeneratedArmDiagnostics.ActivitySource.StartActivity("ManagedIdentityCredential.GetToken", ActivityKind.Client);
        activity?.SetTag("generatedarm.identity", _identityText);
        activity?.SetTag("generatedarm.resource", resource);
        return await RetryLoop.RunAsync<ImdsAttempt, AccessToken>(new ImdsAttempt(this, resource, requestUri, activity), _settings, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// IMDS's classification: 410 is retried for a duration; 404, 408, 429 and 5xx by count; anything else fails
    /// (how-to-use-vm-token.md "Retry guidance"; MSAL.NET Http/Retry/ImdsRetryPolicy.cs).
    /// </summary>
    internal static AttemptKind Classify(int status) => status switch
    {
        410 => AttemptKind.RetryWithinWindow,
        404 or 408 or 429 or >= 500 => AttemptKind.Retry,
        _ => AttemptKind.Fatal,
    };

    private ManagedIdentityException Fail(ManagedIdentityException failure, Activity? activity)
    {
        activity?.SetStatus(ActivityStatusCode.Error, failure.Hint);
        Log.ImdsFailed(_logger, failure.Message);
        return failure;
    }

    private static ManagedIdentityException Exhausted(ManagedIdentityException last, int attempts, TimeSpan elapsed) =>
        new($"{last.Hint} Gave up after {attempts} attempts over {elapsed.TotalSeconds:0.#} s.", last.Status, last.Error, last.ErrorDescription, last.InnerException);

    private ManagedIdentityException DeadlineFailure(ManagedIdentityException? last, Exception? inner) =>
        last is null
            ? new($"IMDS not reachable: no answer from {_endpoint} within the overall deadline of {_retry.OverallTimeout.TotalSeconds:0.#} s: this process may not be on an Azure VM, or the endpoint override is wrong.", null, null, null, inner)
            : new($"No token from IMDS within the overall deadline of {_retry.OverallTimeout.TotalSeconds:0.#} s; last failure: {last.Hint}", last.Status, last.Error, last.ErrorDescription, last.InnerException);

    private string HintFor(int status, string? error, string? description, string resource, bool imdsShaped)
    {
        var text = description ?? string.Empty;
        if (!imdsShaped && status is 401 or 403 or 404 or 405 or 407)
        {
            // IMDS answers its errors as {"error":…,"error_description":…}; anything else came from something in between.
            return $"IMDS not reachable: something other than IMDS answered at {_endpoint} (a proxy or firewall intercepting link-local traffic, or a wrong endpoint override); this process may not be on an Azure VM.";
        }

        if (text.Contains("Identity not found", StringComparison.OrdinalIgnoreCase))
        {
            return _identity.Kind == ManagedIdentityIdKind.SystemAssigned
                ? "Identity not found: this VM has no system-assigned managed identity; enable it, or select a user-assigned identity."
                : $"Identity not found: no managed identity with that {KindWord()} is assigned to this VM ({_identity.Describe()}).";
        }

        if (text.Contains("Multiple user assigned identities", StringComparison.OrdinalIgnoreCase))
        {
            return "Several user-assigned identities are assigned to this VM and none was selected: choose one with ManagedIdentityId.FromClientId, FromObjectId or FromResourceId.";
        }

        if (text.Contains("metadata header", StringComparison.OrdinalIgnoreCase))
        {
            return "IMDS rejected the request for lacking the 'Metadata: true' header; a proxy between this process and IMDS may be stripping it.";
        }

        if (string.Equals(error, "invalid_resource", StringComparison.OrdinalIgnoreCase) || text.Contains("AADSTS50001", StringComparison.Ordinal))
        {
            return $"Microsoft Entra ID does not know the resource '{resource}'; check the resource or scope.";
        }

        return status switch
        {
            400 => $"IMDS rejected the token request for {_identity.Describe()} and resource '{resource}' as invalid.",
            401 or 403 when text.Contains("unreachable", StringComparison.OrdinalIgnoreCase) => $"IMDS not reachable: something other than IMDS answered at {_endpoint} (e.g. a local container network).",
            401 or 403 => $"IMDS refused the token request: this VM may have no managed identity enabled, or {_identity.Describe()} may not get tokens for '{resource}'.",
            404 => $"IMDS answered 404 at {_endpoint}: it may be updating, or the endpoint override does not point at IMDS.",
            405 => $"Something other than IMDS answered at {_endpoint} (405 Method Not Allowed): check the endpoint override.",
            408 => "IMDS timed out (408).",
            410 => $"IMDS is being updated (410 Gone) and did not come back within {_goneDuration.TotalSeconds:0.#} s.",
            429 => "IMDS throttled the token requests (429; IMDS allows 20 identity requests per second and 5 at once per VM).",
            >= 500 => $"IMDS or Microsoft Entra ID failed with HTTP {status}.",
            _ => $"IMDS answered HTTP {status} to the token request.",
        };
    }

    private string KindWord() => _identity.Kind switch
    {
        ManagedIdentityIdKind.ClientId => "client id",
        ManagedIdentityIdKind.ObjectId => "object id",
        _ => "resource id",
    };

    private static string Snippet(byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300)).ReplaceLineEndings(" ").Trim();
        return body.Length > 300 ? text + "…" : text;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>One token request: <c>Metadata: true</c>, the answer read whole, errors turned into hints.</summary>
    private readonly struct ImdsAttempt(ImdsTokenClient client, string resource, Uri requestUri, Activity? activity) : IRetriedOperation<AccessToken>
    {
        public async ValueTask<AttemptOutcome<AccessToken>> SendAsync(AttemptContext context, CancellationToken attemptToken)
        {
            Log.ImdsRequest(client._logger, client._endpointText, resource, client._identityText, context.Attempt);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, requestUri);
                request.Headers.TryAddWithoutValidation("Metadata", "true");
                request.Headers.TryAddWithoutValidation("x-ms-client-request-id", context.ClientRequestId);
                request.Headers.TryAddWithoutValidation("User-Agent", UserAgent.Value);
                using var response = await client._http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attemptToken).ConfigureAwait(false);
                var body = await response.Content.ReadAsByteArrayAsync(attemptToken).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var token = ImdsTokenParser.ParseToken(body, client._time.GetUtcNow(), resource);
                    activity?.SetTag("http.response.status_code", status);
                    Log.ImdsTokenAcquired(client._logger, resource, client._identityText, token.ExpiresOn, token.RefreshOn);
                    return AttemptOutcome<AccessToken>.Success(token);
                }

                var (error, description) = ImdsTokenParser.ParseError(body);
                var imdsShaped = error is not null || description is not null;
                if (!imdsShaped && body.Length > 0)
                {
                    description = Snippet(body);
                }

                var failure = new ManagedIdentityException(client.HintFor(status, error, description, resource, imdsShaped), status, error, description);
                var retryAfter = RetryMath.GetRetryAfter(response, client._time.GetUtcNow());
                return AttemptOutcome<AccessToken>.Failed(new AttemptFailure(Classify(status), failure.Hint, context.ClientRequestId, failure, RetryAfter: retryAfter));
            }
            catch (HttpRequestException ex)
            {
                var failure = new ManagedIdentityException(
                    $"IMDS not reachable at {client._endpoint}: this process is not on an Azure VM, or the endpoint override is wrong ({ex.Message}).",
                    null, null, null, ex);
                return AttemptOutcome<AccessToken>.Failed(new AttemptFailure(AttemptKind.Retry, failure.Hint, context.ClientRequestId, failure));
            }
        }

        public AttemptFailure NoAnswer(Exception exception, TimeSpan timeout, AttemptContext context)
        {
            var failure = new ManagedIdentityException(
                $"IMDS not reachable: no answer within {timeout.TotalSeconds:0.#} s at {client._endpoint}: this process may not be on an Azure VM, or the endpoint override is wrong.",
                null, null, null, exception);
            return new AttemptFailure(AttemptKind.Retry, failure.Hint, context.ClientRequestId, failure);
        }

        public void OnRetry(AttemptFailure failure, int attempt, int retries, TimeSpan delay) => Log.ImdsRetry(client._logger, attempt, failure.Reason, delay);

        public ValueTask<Exception> GiveUpAsync(AttemptFailure failure, GiveUpReason reason, int attempts, TimeSpan elapsed, CancellationToken cancellationToken)
        {
            var last = failure.Exception as ManagedIdentityException;
            var final = reason switch
            {
                GiveUpReason.DeadlineDuringAttempt => client.DeadlineFailure(null, failure.Exception),
                GiveUpReason.DeadlineBeforeRetry or GiveUpReason.DeadlineWhileWaiting => client.DeadlineFailure(last, null),
                GiveUpReason.RetriesExhausted when last is not null => Exhausted(last, attempts, elapsed),
                _ => last ?? new ManagedIdentityException("IMDS request failed.", null, null, null, failure.Exception),
            };
            return new(client.Fail(final, activity));
        }
    }
}
