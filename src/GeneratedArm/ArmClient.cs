using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using GeneratedArm.Identity;
using GeneratedArm.Internal;
using GeneratedArm.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GeneratedArm;

/// <summary>
/// Sends Azure Resource Manager requests with a bearer token from a <see cref="TokenCredential"/> (normally a
/// <see cref="ManagedIdentityCredential"/>), retries transient failures, and decodes ARM's errors into
/// <see cref="ArmRequestException"/>. Thread-safe; create one and reuse it.
/// </summary>
/// <remarks>
/// Every request carries <c>api-version</c>, <c>Authorization: Bearer …</c> (only over HTTPS or to a loopback
/// address), <c>x-ms-client-request-id</c> with <c>x-ms-return-client-request-id: true</c>, and
/// <c>User-Agent: GeneratedArm/{version} ({runtime}; {os})</c>. Idempotent methods are retried on 408, 429, 500,
/// 502, 503, 504 and network failures, honouring <c>Retry-After</c> (seconds or HTTP-date) and
/// <c>x-ms-retry-after-ms</c>. A 401 with a <c>WWW-Authenticate</c> challenge gets one fresh token and one retry.
/// The retry loop is hand-written; see <c>Internal/RetryMath.cs</c> for why.
/// </remarks>
public partial class ArmClient : IDisposable
{
    private static readonly HttpMethod[] IdempotentMethods = [HttpMethod.Get, HttpMethod.Head, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Options];

    private readonly HttpClient _http = null!;
    private readonly bool _ownsHttpClient;
    private readonly TokenCredential _credential = null!;
    private readonly string _audience = null!;
    private readonly string _baseUrl = null!;
    private readonly Uri _endpoint = null!;
    private readonly RetryOptions _retry = null!;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly bool _ownAttemptTimeout;
    private readonly TimeSpan _defaultPollingInterval = TimeSpan.FromSeconds(30);
    private volatile AuthorizationValue? _authorization;
    private volatile UriCacheEntry? _lastUri;

    /// <summary>Creates a client that sends through <see cref="ArmClientOptions.Transport"/>, or its own handler.</summary>
    /// <param name="credential">Where bearer tokens come from.</param>
    /// <param name="options">Options; <see langword="null"/> for Azure public cloud defaults.</param>
    public ArmClient(TokenCredential credential, ArmClientOptions? options = null)
        : this(CreateHttpClient(options), credential, options, ownsHttpClient: true)
    {
    }

    /// <summary>
    /// Creates a client over a caller's <see cref="HttpClient"/> (e.g. from <c>IHttpClientFactory</c>). The client
    /// does not dispose it; its <c>BaseAddress</c> and <c>Timeout</c> are not used (see <see cref="ArmClientOptions"/>).
    /// </summary>
    /// <param name="httpClient">The HTTP client to send with.</param>
    /// <param name="credential">Where bearer tokens come from.</param>
    /// <param name="options">Options; <see langword="null"/> for Azure public cloud defaults.</param>
    public ArmClient(HttpClient httpClient, TokenCredential credential, ArmClientOptions? options = null)
        : this(httpClient, credential, options, ownsHttpClient: false)
    {
    }

    /// <summary>For mocking only: a client whose methods must all be overridden.</summary>
    protected ArmClient()
    {
    }

    private ArmClient(HttpClient httpClient, TokenCredential credential, ArmClientOptions? options, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(credential);
        options = (options ?? new ArmClientOptions()).Clone();
        var endpoint = options.Endpoint ?? ArmClientOptions.DefaultEndpoint;
        if (!endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException($"The ARM endpoint '{endpoint}' must be an absolute address.", nameof(options));
        }

        if (!IsSafeForBearer(endpoint))
        {
            throw new ArgumentException(
                $"Refusing to send bearer tokens to '{endpoint}': the ARM endpoint must use HTTPS, or HTTP only on a loopback address.", nameof(options));
        }

        options.Retry.Validate(nameof(options.Retry));
        _http = httpClient;
        _ownsHttpClient = ownsHttpClient;
        _credential = credential;
        _audience = string.IsNullOrWhiteSpace(options.Audience) ? ArmClientOptions.DefaultAudience : options.Audience;
        _endpoint = endpoint;
        _baseUrl = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _retry = options.Retry;
        _defaultPollingInterval = options.DefaultPollingInterval;
        _time = options.TimeProvider ?? TimeProvider.System;
        _logger = (ILogger?)options.LoggerFactory?.CreateLogger(GeneratedArmDiagnostics.ArmClientLoggerCategory) ?? NullLogger.Instance;

        // Per-attempt timeout: on the system clock, HttpClient's own Timeout already arms one timer per request, so
        // reuse it (for a client we own, set it; for a caller's, it is only supplemented when NetworkTimeout is
        // shorter). On any other clock (tests), a TimeoutScope on that clock does the job.
        var systemClock = ReferenceEquals(_time, TimeProvider.System);
        if (ownsHttpClient)
        {
            httpClient.Timeout = systemClock ? _retry.NetworkTimeout : Timeout.InfiniteTimeSpan;
        }

        _ownAttemptTimeout = _retry.NetworkTimeout != Timeout.InfiniteTimeSpan && (!systemClock || _retry.NetworkTimeout < httpClient.Timeout);
    }

    /// <summary>The Resource Manager address requests go to.</summary>
    public virtual Uri Endpoint => _endpoint;

    /// <summary>Sends <c>GET {path}?api-version={apiVersion}</c> and reads the body as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">A generated model.</typeparam>
    /// <param name="path">An ARM path such as <c>/subscriptions/{id}/resourceGroups/DevTest</c> (or an absolute URL on the same host, e.g. a <c>nextLink</c>).</param>
    /// <param name="apiVersion">The <c>api-version</c>, e.g. <c>2016-06-01</c>.</param>
    /// <param name="cancellationToken">Stops the request and any retry wait at once.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArmRequestException">ARM answered with a non-success status, or could not be reached.</exception>
    /// <exception cref="ManagedIdentityException">No token could be obtained.</exception>
    public virtual async Task<T> GetAsync<T>(string path, string apiVersion, CancellationToken cancellationToken = default)
        where T : IArmModel<T>
    {
        var result = await SendCoreAsync(HttpMethod.Get, path, apiVersion, null, cancellationToken).ConfigureAwait(false);
        try
        {
            return ReadModel<T>(result.Body.Span);
        }
        finally
        {
            result.Dispose();
        }
    }

    /// <summary>Sends a request and returns the raw response; throws <see cref="ArmRequestException"/> on a non-success status.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">An ARM path (or an absolute URL on the same host).</param>
    /// <param name="apiVersion">The <c>api-version</c>; not appended when the path already carries one.</param>
    /// <param name="jsonBody">A JSON body, sent as <c>application/json</c>.</param>
    /// <param name="cancellationToken">Stops the request and any retry wait at once.</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArmRequestException">ARM answered with a non-success status, or could not be reached.</exception>
    /// <exception cref="ManagedIdentityException">No token could be obtained.</exception>
    public virtual async Task<ArmResponse> SendAsync(HttpMethod method, string path, string apiVersion, ReadOnlyMemory<byte>? jsonBody = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        var result = await SendCoreAsync(method, path, apiVersion, jsonBody, cancellationToken).ConfigureAwait(false);
        using (result)
        {
            return new ArmResponse(result.Status, result.Headers, result.Body.ToArray(), result.ContentHeaders) { RequestMethod = method, RequestUri = result.RequestUri };
        }
    }

    /// <summary>Sends <c>PUT</c> with <paramref name="body"/> and reads the answer (200 or 201) as <typeparamref name="TResponse"/>.</summary>
    /// <typeparam name="TRequest">The request model.</typeparam>
    /// <typeparam name="TResponse">The response model.</typeparam>
    /// <param name="path">An ARM path.</param>
    /// <param name="apiVersion">The <c>api-version</c>.</param>
    /// <param name="body">The resource to create or replace.</param>
    /// <param name="cancellationToken">Stops the request at once.</param>
    /// <returns>The resource as ARM returned it.</returns>
    /// <exception cref="ArmRequestException">ARM answered with a non-success status, or could not be reached.</exception>
    public virtual Task<TResponse> PutAsync<TRequest, TResponse>(string path, string apiVersion, TRequest body, CancellationToken cancellationToken = default)
        where TRequest : IArmModel<TRequest>
        where TResponse : IArmModel<TResponse> =>
        SendModelAsync<TRequest, TResponse>(HttpMethod.Put, path, apiVersion, body, cancellationToken);

    /// <summary>Sends <c>PATCH</c> with <paramref name="body"/> (not retried: PATCH is not idempotent) and reads the answer.</summary>
    /// <typeparam name="TRequest">The request model.</typeparam>
    /// <typeparam name="TResponse">The response model.</typeparam>
    /// <param name="path">An ARM path.</param>
    /// <param name="apiVersion">The <c>api-version</c>.</param>
    /// <param name="body">The changes.</param>
    /// <param name="cancellationToken">Stops the request at once.</param>
    /// <returns>The resource as ARM returned it.</returns>
    /// <exception cref="ArmRequestException">ARM answered with a non-success status, or could not be reached.</exception>
    public virtual Task<TResponse> PatchAsync<TRequest, TResponse>(string path, string apiVersion, TRequest body, CancellationToken cancellationToken = default)
        where TRequest : IArmModel<TRequest>
        where TResponse : IArmModel<TResponse> =>
        SendModelAsync<TRequest, TResponse>(HttpMethod.Patch, path, apiVersion, body, cancellationToken);

    /// <summary>Sends <c>DELETE</c>. ARM answers 200, 202 (accepted: poll the <c>Location</c> header) or 204.</summary>
    /// <param name="path">An ARM path.</param>
    /// <param name="apiVersion">The <c>api-version</c>.</param>
    /// <param name="cancellationToken">Stops the request at once.</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArmRequestException">ARM answered with a non-success status, or could not be reached.</exception>
    public virtual Task<ArmResponse> DeleteAsync(string path, string apiVersion, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, path, apiVersion, null, cancellationToken);

    /// <summary>Sends <c>HEAD</c>: <see langword="true"/> for 2xx, <see langword="false"/> for 404.</summary>
    /// <param name="path">An ARM path.</param>
    /// <param name="apiVersion">The <c>api-version</c>.</param>
    /// <param name="cancellationToken">Stops the request at once.</param>
    /// <returns>Whether the resource exists.</returns>
    /// <exception cref="ArmRequestException">ARM answered with another non-success status, or could not be reached.</exception>
    public virtual async Task<bool> ExistsAsync(string path, string apiVersion, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await SendCoreAsync(HttpMethod.Head, path, apiVersion, null, cancellationToken).ConfigureAwait(false);
            result.Dispose();
            return true;
        }
        catch (ArmRequestException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Disposes the HTTP client if this instance created it.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && _ownsHttpClient)
        {
            _http.Dispose();
        }
    }

    private async Task<TResponse> SendModelAsync<TRequest, TResponse>(HttpMethod method, string path, string apiVersion, TRequest body, CancellationToken cancellationToken)
        where TRequest : IArmModel<TRequest>
        where TResponse : IArmModel<TResponse>
    {
        ArgumentNullException.ThrowIfNull(body);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            body.WriteJson(writer);
        }

        var result = await SendCoreAsync(method, path, apiVersion, buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        try
        {
            return ReadModel<TResponse>(result.Body.Span);
        }
        finally
        {
            result.Dispose();
        }
    }

    private static T ReadModel<T>(ReadOnlySpan<byte> body)
        where T : IArmModel<T>
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read())
        {
            throw new JsonException($"ARM returned no body to read as {typeof(T).Name}.");
        }

        return T.ReadJson(ref reader);
    }

    /// <summary>The retry loop. Returns a 2xx response with its body in a pooled buffer; throws for anything else.</summary>
    private async ValueTask<SendResult> SendCoreAsync(HttpMethod method, string path, string apiVersion, ReadOnlyMemory<byte>? jsonBody, CancellationToken cancellationToken)
    {
        var uri = BuildUri(path, apiVersion);
        var methodName = method.Method;
        var idempotent = IsIdempotent(method);
        using var activity = GeneratedArmDiagnostics.ActivitySource.StartActivity("ArmClient.Send", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("http.request.method", methodName);
            activity.SetTag("url.full", uri.AbsoluteUri);
            activity.SetTag("server.address", uri.Host);
        }

        using var overall = _retry.OverallTimeout == Timeout.InfiniteTimeSpan ? null : new TimeoutScope(_retry.OverallTimeout, _time, cancellationToken);
        var overallToken = overall?.Token ?? cancellationToken;
        var start = _retry.OverallTimeout == Timeout.InfiniteTimeSpan ? 0 : _time.GetTimestamp();
        var token = await _credential.GetTokenAsync(_audience, cancellationToken).ConfigureAwait(false);
        var challenged = false;
        var retries = 0;

        for (var attempt = 1; ; attempt++)
        {
            var clientRequestId = RequestId.Next();
            HttpResponseMessage? response = null;
            Exception? networkFailure = null;
            string? networkWhat = null;
            var attemptStart = _logger.IsEnabled(LogLevel.Debug) ? _time.GetTimestamp() : 0;
            using (var attemptScope = _ownAttemptTimeout ? new TimeoutScope(_retry.NetworkTimeout, _time, overallToken) : null)
            {
                var attemptToken = attemptScope?.Token ?? overallToken;
                try
                {
                    using var request = new HttpRequestMessage(method, uri);
                    var headers = request.Headers;
                    headers.TryAddWithoutValidation("Authorization", GetAuthorizationValue(token.Token));
                    headers.TryAddWithoutValidation("x-ms-client-request-id", clientRequestId);
                    headers.TryAddWithoutValidation("x-ms-return-client-request-id", "true");
                    headers.TryAddWithoutValidation("User-Agent", UserAgent.Value);
                    if (jsonBody is { } bodyBytes)
                    {
                        request.Content = new ReadOnlyMemoryContent(bodyBytes);
                        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
                    }

                    if (_logger.IsEnabled(LogLevel.Debug))
                    {
                        var url = uri.AbsoluteUri;
                        var headerText = HeaderRedaction.Format(request);
                        Log.ArmRequest(_logger, methodName, url, clientRequestId, attempt, headerText);
                    }

                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptToken).ConfigureAwait(false);
                    var status = (int)response.StatusCode;
                    if (_logger.IsEnabled(LogLevel.Debug))
                    {
                        var url = uri.AbsoluteUri;
                        var elapsed = _time.GetElapsedTime(attemptStart).TotalMilliseconds;
                        var requestId = First(response, "x-ms-request-id");
                        Log.ArmResponse(_logger, status, methodName, url, elapsed, requestId);
                    }

                    if (status is >= 200 and < 300)
                    {
                        var body = await PooledBody.ReadAsync(response, attemptToken).ConfigureAwait(false);
                        activity?.SetTag("http.response.status_code", status);
                        activity?.SetTag("az.service_request_id", First(response, "x-ms-request-id"));
                        var success = new SendResult(response, body, uri);
                        response = null;
                        return success;
                    }

                    if (status == 401 && !challenged && response.Headers.WwwAuthenticate.Count > 0)
                    {
                        // One fresh token and one retry: the request was not processed, so this is safe for every method.
                        challenged = true;
                        Log.ArmChallenge(_logger, methodName, uri.AbsoluteUri);
                        response.Dispose();
                        response = null;
                        token = await _credential.RefreshTokenAsync(_audience, token, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    if (!idempotent || !IsRetriableStatus(status) || retries >= _retry.MaxRetries)
                    {
                        throw await CreateFailureAsync(response, methodName, uri, clientRequestId, activity, attemptToken).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    response?.Dispose();
                    throw;
                }
                catch (OperationCanceledException ex) when (overall is not null && overall.TimedOut(cancellationToken))
                {
                    response?.Dispose();
                    throw ArmRequestException.FromNetworkFailure(methodName, uri, $"no answer within the overall timeout of {_retry.OverallTimeout.TotalSeconds:0.#} s", clientRequestId, ex);
                }
                catch (OperationCanceledException ex) when ((attemptScope is not null && attemptScope.TimedOut(overallToken)) || (ex.InnerException is TimeoutException && !overallToken.IsCancellationRequested))
                {
                    response?.Dispose();
                    response = null;
                    networkFailure = ex;
                    networkWhat = $"no answer within {(_ownAttemptTimeout ? _retry.NetworkTimeout : _http.Timeout).TotalSeconds:0.#} s";
                }
                catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.SecureConnectionError)
                {
                    // A certificate the process does not trust will not be trusted on the next attempt either.
                    response?.Dispose();
                    throw ArmRequestException.FromNetworkFailure(
                        methodName,
                        uri,
                        $"the TLS handshake with {uri.Authority} failed: {(ex.InnerException ?? ex).Message} If this is a local emulator, trust its certificate (on Linux: SSL_CERT_FILE=<its PEM>)",
                        clientRequestId,
                        ex);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    response?.Dispose();
                    response = null;
                    networkFailure = ex;
                    networkWhat = $"could not reach {uri.Host}";
                }
            }

            // A retriable status (response != null) or a network failure.
            TimeSpan delay;
            string failure;
            if (response is not null)
            {
                var retryAfter = RetryMath.GetRetryAfter(response, _time.GetUtcNow());
                if (retryAfter > _retry.MaxRetryAfter)
                {
                    throw await CreateFailureAsync(response, methodName, uri, clientRequestId, activity, overallToken).ConfigureAwait(false);
                }

                failure = $"HTTP {(int)response.StatusCode}";
                delay = retryAfter ?? RetryMath.Backoff(_retry, retries + 1);
                response.Dispose();
            }
            else
            {
                if (!idempotent || retries >= _retry.MaxRetries)
                {
                    throw ArmRequestException.FromNetworkFailure(methodName, uri, networkWhat!, clientRequestId, networkFailure!);
                }

                failure = networkWhat!;
                delay = RetryMath.Backoff(_retry, retries + 1);
            }

            retries++;
            if (_retry.OverallTimeout != Timeout.InfiniteTimeSpan && _time.GetElapsedTime(start) + delay >= _retry.OverallTimeout)
            {
                throw ArmRequestException.FromNetworkFailure(methodName, uri, $"{failure}, and the next retry would pass the overall timeout of {_retry.OverallTimeout.TotalSeconds:0.#} s", clientRequestId, networkFailure ?? new TimeoutException());
            }

            Log.ArmRetry(_logger, attempt, methodName, uri.AbsolutePath, failure, delay);
            activity?.SetTag("http.request.resend_count", retries);
            try
            {
                await Task.Delay(delay, _time, overallToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw ArmRequestException.FromNetworkFailure(methodName, uri, $"{failure}, and the overall timeout of {_retry.OverallTimeout.TotalSeconds:0.#} s passed while waiting to retry", clientRequestId, ex);
            }

            // Tokens can expire during long waits; the cached path makes this free otherwise.
            token = await _credential.GetTokenAsync(_audience, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ArmRequestException> CreateFailureAsync(HttpResponseMessage response, string method, Uri uri, string clientRequestId, Activity? activity, CancellationToken cancellationToken)
    {
        using (response)
        {
            byte[] body;
            try
            {
                body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                body = [];
            }

            var status = (int)response.StatusCode;
            var exception = ArmRequestException.FromResponse(
                method, uri, status, response.ReasonPhrase, body, First(response, "x-ms-request-id"), First(response, "x-ms-correlation-request-id"), clientRequestId);
            Log.ArmFailed(_logger, method, uri.AbsolutePath, status, exception.ErrorCode, exception.RequestId);
            if (activity is not null)
            {
                activity.SetTag("http.response.status_code", status);
                activity.SetTag("error.type", exception.ErrorCode ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                activity.SetStatus(ActivityStatusCode.Error, exception.ErrorCode);
            }

            return exception;
        }
    }

    private Uri BuildUri(string path, string apiVersion)
    {
        // Repeated calls for the same path (polling, hot loops) reuse the parsed Uri.
        var last = _lastUri;
        if (last is not null && string.Equals(last.Path, path, StringComparison.Ordinal) && string.Equals(last.ApiVersion, apiVersion, StringComparison.Ordinal))
        {
            return last.Uri;
        }

        var uri = BuildUriCore(path, apiVersion);
        _lastUri = new UriCacheEntry(path, apiVersion, uri);
        return uri;
    }

    private Uri BuildUriCore(string path, string apiVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(apiVersion);
        string url;
        if (path[0] == '/')
        {
            url = _baseUrl + path;
        }
        else if (Uri.TryCreate(path, UriKind.Absolute, out var absolute))
        {
            // nextLink / Location / Azure-AsyncOperation: never send the token to another host or over plain HTTP.
            if (!string.Equals(absolute.Host, _endpoint.Host, StringComparison.OrdinalIgnoreCase) || absolute.Port != _endpoint.Port || !IsSafeForBearer(absolute))
            {
                throw new InvalidOperationException($"Refusing to send the bearer token to '{absolute.GetLeftPart(UriPartial.Authority)}': only '{_endpoint.GetLeftPart(UriPartial.Authority)}' receives it.");
            }

            url = path;
        }
        else
        {
            throw new ArgumentException($"'{path}' is neither an ARM path starting with '/' nor an absolute URL.", nameof(path));
        }

        if (!url.Contains("api-version=", StringComparison.OrdinalIgnoreCase))
        {
            url = string.Concat(url, url.Contains('?', StringComparison.Ordinal) ? "&api-version=" : "?api-version=", Uri.EscapeDataString(apiVersion));
        }

        return new Uri(url, UriKind.Absolute);
    }

    private string GetAuthorizationValue(string token)
    {
        var cached = _authorization;
        if (cached is not null && ReferenceEquals(cached.Token, token))
        {
            return cached.Value;
        }

        cached = new AuthorizationValue(token, "Bearer " + token);
        _authorization = cached;
        return cached.Value;
    }

    private static bool IsSafeForBearer(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback);

    private static bool IsIdempotent(HttpMethod method)
    {
        foreach (var candidate in IdempotentMethods)
        {
            if (candidate == method)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsRetriableStatus(int status) => status is 408 or 429 or 500 or 502 or 503 or 504;

    private static string? First(HttpResponseMessage response, string name)
    {
        if (response.Headers.TryGetValues(name, out var values))
        {
            foreach (var value in values)
            {
                return value;
            }
        }

        return null;
    }

    private static HttpClient CreateHttpClient(ArmClientOptions? options)
    {
        var handler = options?.Transport;
        var owned = handler is null;
        handler ??= new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.All,
            AllowAutoRedirect = false,
        };
        return new HttpClient(handler, disposeHandler: owned) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private sealed class UriCacheEntry(string path, string apiVersion, Uri uri)
    {
        public readonly string Path = path;
        public readonly string ApiVersion = apiVersion;
        public readonly Uri Uri = uri;
    }

    private sealed class AuthorizationValue(string token, string value)
    {
        public readonly string Token = token;
        public readonly string Value = value;
    }

    /// <summary>A successful response whose body sits in a pooled buffer until disposed.</summary>
    private readonly struct SendResult(HttpResponseMessage response, PooledBody body, Uri requestUri) : IDisposable
    {
        public int Status => (int)response.StatusCode;

        public Uri RequestUri => requestUri;

        public System.Net.Http.Headers.HttpResponseHeaders Headers => response.Headers;

        public System.Net.Http.Headers.HttpContentHeaders ContentHeaders => response.Content.Headers;

        public ReadOnlyMemory<byte> Body => body.Memory;

        public void Dispose()
        {
            body.Dispose();
            response.Dispose();
        }
    }
}
