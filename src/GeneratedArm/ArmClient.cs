using System.Buffers;
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
    private readonly HttpClient _http = null!;
    private readonly bool _ownsHttpClient;
    private readonly string _baseUrl = null!;
    private readonly Uri _endpoint = null!;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly TimeSpan _defaultPollingInterval = TimeSpan.FromSeconds(30);
    private readonly ArmPipeline _pipeline = null!;
    private volatile UriCacheEntry? _lastUri;

    /// <summary>Creates a client that sends through <see cref="ClientOptions.Transport"/>, or its own handler.</summary>
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

        var retry = options.Retry;
        retry.Validate(nameof(options.Retry));
        _http = httpClient;
        _ownsHttpClient = ownsHttpClient;
        _endpoint = endpoint;
        _baseUrl = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _defaultPollingInterval = options.DefaultPollingInterval;
        _time = options.TimeProvider ?? TimeProvider.System;
        var logger = (ILogger?)options.LoggerFactory?.CreateLogger(GeneratedArmDiagnostics.ArmClientLoggerCategory) ?? NullLogger.Instance;

        // Per-attempt timeout: on the system clock, HttpClient's own Timeout already arms one timer per request, so
        // reuse it (for a client we own, set it; for a caller's, it is only supplemented when NetworkTimeout is
        // shorter). On any other clock (tests), a TimeoutScope on that clock does the job.
        var systemClock = ReferenceEquals(_time, TimeProvider.System);
        if (ownsHttpClient)
        {
            httpClient.Timeout = systemClock ? retry.NetworkTimeout : Timeout.InfiniteTimeSpan;
        }

        var ownAttemptTimeout = retry.NetworkTimeout != Timeout.InfiniteTimeSpan && (!systemClock || retry.NetworkTimeout < httpClient.Timeout);
        var settings = new RetrySettings(retry, _time, ownAttemptTimeout, ownAttemptTimeout ? retry.NetworkTimeout : httpClient.Timeout);
        var audience = string.IsNullOrWhiteSpace(options.Audience) ? ArmClientOptions.DefaultAudience : options.Audience;
        _pipeline = new ArmPipeline(httpClient, credential, audience, logger, settings);
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

    /// <summary>Sends until a 2xx (returned with its body in a pooled buffer) or a final failure (thrown).</summary>
    private ValueTask<SendResult> SendCoreAsync(HttpMethod method, string path, string apiVersion, ReadOnlyMemory<byte>? jsonBody, CancellationToken cancellationToken) =>
        _pipeline.SendAsync(method, BuildUri(path, apiVersion), jsonBody, cancellationToken);

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

    private static bool IsSafeForBearer(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback);

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

    /// <summary>A successful response whose body sits in a pooled buffer until disposed.</summary>
    internal readonly struct SendResult(HttpResponseMessage response, PooledBody body, Uri requestUri) : IDisposable
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
