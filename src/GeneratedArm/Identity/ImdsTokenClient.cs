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
    private readonly TimeSpan _goneDuration;
    private readonly TimeSpan _goneDelay;
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
        _goneDelay = options.GoneRetryDelay;
        _time = options.TimeProvider ?? TimeProvider.System;
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

        using var overall = new TimeoutScope(_retry.OverallTimeout, _time, cancellationToken);
        var start = _time.GetUtcNow();
        DateTimeOffset? firstGone = null;
        var retries = 0;

        for (var attempt = 1; ; attempt++)
        {
            Log.ImdsRequest(_logger, _endpointText, resource, _identityText, attempt);
            ManagedIdentityException failure;
            TimeSpan? retryAfter = null;
            var status = 0;

            using (var attemptScope = new TimeoutScope(_retry.NetworkTimeout, _time, overall.Token))
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, requestUri);
                    request.Headers.TryAddWithoutValidation("Metadata", "true");
                    request.Headers.TryAddWithoutValidation("x-ms-client-request-id", RequestId.Next());
                    request.Headers.TryAddWithoutValidation("User-Agent", UserAgent.Value);
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attemptScope.Token).ConfigureAwait(false);
                    var body = await response.Content.ReadAsByteArrayAsync(attemptScope.Token).ConfigureAwait(false);
                    status = (int)response.StatusCode;
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var token = ImdsTokenParser.ParseToken(body, _time.GetUtcNow(), resource);
                        activity?.SetTag("http.response.status_code", status);
                        Log.ImdsTokenAcquired(_logger, resource, _identityText, token.ExpiresOn, token.RefreshOn);
                        return token;
                    }

                    var (error, description) = ImdsTokenParser.ParseError(body);
                    var imdsShaped = error is not null || description is not null;
                    if (!imdsShaped && body.Length > 0)
                    {
                        description = Snippet(body);
                    }

                    failure = new ManagedIdentityException(HintFor(status, error, description, resource, imdsShaped), status, error, description);
                    retryAfter = RetryMath.GetRetryAfter(response, _time.GetUtcNow());
                    if (!IsRetriable(status))
                    {
                        throw Fail(failure, activity);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (OperationCanceledException ex) when (overall.TimedOut(cancellationToken))
                {
                    throw Fail(DeadlineFailure(null, ex), activity);
                }
                catch (OperationCanceledException ex) when (attemptScope.TimedOut(overall.Token))
                {
                    failure = new ManagedIdentityException(
                        $"IMDS not reachable: no answer within {_retry.NetworkTimeout.TotalSeconds:0.#} s at {_endpoint}: this process may not be on an Azure VM, or the endpoint override is wrong.",
                        null, null, null, ex);
                }
                catch (HttpRequestException ex)
                {
                    failure = new ManagedIdentityException(
                        $"IMDS not reachable at {_endpoint}: this process is not on an Azure VM, or the endpoint override is wrong ({ex.Message}).",
                        null, null, null, ex);
                }
            }

            // Decide whether and when to try again.
            var now = _time.GetUtcNow();
            TimeSpan delay;
            if (status == 410)
            {
                firstGone ??= now;
                if (now - firstGone.Value > _goneDuration)
                {
                    throw Fail(failure, activity);
                }

                delay = retryAfter is { } ra && ra > _goneDelay ? ra : _goneDelay;
            }
            else
            {
                retries++;
                if (retries > _retry.MaxRetries)
                {
                    throw Fail(Exhausted(failure, attempt, now - start), activity);
                }

                delay = retryAfter ?? RetryMath.Backoff(_retry, retries);
            }

            if (retryAfter > _retry.MaxRetryAfter)
            {
                throw Fail(failure, activity);
            }

            if (_retry.OverallTimeout != Timeout.InfiniteTimeSpan && now + delay - start >= _retry.OverallTimeout)
            {
                throw Fail(DeadlineFailure(failure, null), activity);
            }

            Log.ImdsRetry(_logger, attempt, failure.Hint, delay);
            try
            {
                await Task.Delay(delay, _time, overall.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Fail(DeadlineFailure(failure, null), activity);
            }
        }
    }

    private ManagedIdentityException Fail(ManagedIdentityException failure, Activity? activity)
    {
        activity?.SetStatus(ActivityStatusCode.Error, failure.Hint);
        Log.ImdsFailed(_logger, failure.Message);
        return failure;
    }

    private static bool IsRetriable(int status) => status is 404 or 408 or 410 or 429 or >= 500;

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
}
