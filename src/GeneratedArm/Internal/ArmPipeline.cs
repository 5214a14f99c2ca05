using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using GeneratedArm.Identity;
using Microsoft.Extensions.Logging;

namespace GeneratedArm.Internal;

/// <summary>
/// One <see cref="ArmClient"/>'s way of sending a request: the shared <see cref="RetryLoop"/> around
/// <see cref="ArmAttempt"/>s, inside one <c>ArmClient.Send</c> activity when tracing listens.
/// </summary>
internal sealed class ArmPipeline(HttpClient http, TokenCredential credential, string audience, ILogger logger, RetrySettings settings)
{
    private volatile AuthorizationValue? _authorization;

    public HttpClient Http { get; } = http;

    public TokenCredential Credential { get; } = credential;

    public string Audience { get; } = audience;

    public ILogger Logger { get; } = logger;

    public RetrySettings Settings { get; } = settings;

    /// <summary>Sends until a 2xx (returned with its body in a pooled buffer) or a final failure (thrown).</summary>
    public ValueTask<ArmClient.SendResult> SendAsync(HttpMethod method, Uri uri, ReadOnlyMemory<byte>? jsonBody, CancellationToken cancellationToken)
    {
        var activity = GeneratedArmDiagnostics.ActivitySource.StartActivity("ArmClient.Send", ActivityKind.Client);
        var attempt = new ArmAttempt(this, method, uri, jsonBody, activity);

        // No listener (the usual case): no extra async frame just to dispose a null activity.
        return activity is null
            ? RetryLoop.RunAsync<ArmAttempt, ArmClient.SendResult>(attempt, Settings, cancellationToken)
            : TracedAsync(attempt, activity, cancellationToken);
    }

    /// <summary><c>Bearer {token}</c>, built once per token rather than per request.</summary>
    public string GetAuthorizationValue(string token)
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

    private async ValueTask<ArmClient.SendResult> TracedAsync(ArmAttempt attempt, Activity activity, CancellationToken cancellationToken)
    {
        using (activity)
        {
            activity.SetTag("http.request.method", attempt.Method.Method);
            activity.SetTag("url.full", attempt.Uri.AbsoluteUri);
            activity.SetTag("server.address", attempt.Uri.Host);
            return await RetryLoop.RunAsync<ArmAttempt, ArmClient.SendResult>(attempt, Settings, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class AuthorizationValue(string token, string value)
    {
        public readonly string Token = token;
        public readonly string Value = value;
    }
}

/// <summary>
/// One ARM request attempt: the headers every ARM request carries, debug logging with redacted headers, and the
/// classification of what came back (<see cref="ArmOutcome"/>).
/// </summary>
internal readonly struct ArmAttempt(ArmPipeline pipeline, HttpMethod method, Uri uri, ReadOnlyMemory<byte>? jsonBody, Activity? activity)
    : IRetriedOperation<ArmClient.SendResult>
{
    public HttpMethod Method => method;

    public Uri Uri => uri;

    private bool Idempotent => ArmOutcome.IsIdempotent(method);

    // Kept lean: every local of an async method lives in its state machine, which is zeroed and copied per call;
    // the failure paths build their outcome in ordinary methods.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<AttemptOutcome<ArmClient.SendResult>> SendAsync(AttemptContext context, CancellationToken attemptToken)
    {
        // After a 401 challenge the fresh token comes from the previous attempt; otherwise the (cached) credential's.
        var token = context.Carried is AccessToken refreshed
            ? refreshed
            : await pipeline.Credential.GetTokenAsync(pipeline.Audience, context.CallerToken).ConfigureAwait(false);
        HttpResponseMessage? response = null;
        try
        {
            using var request = CreateRequest(pipeline.GetAuthorizationValue(token.Token), context);
            var attemptStart = pipeline.Logger.IsEnabled(LogLevel.Debug) ? pipeline.Settings.Time.GetTimestamp() : 0;
            response = await pipeline.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptToken).ConfigureAwait(false);
            var kind = Classify(response, context, attemptStart);
            if (kind == ArmOutcomeKind.Success)
            {
                var body = await PooledBody.ReadAsync(response, attemptToken).ConfigureAwait(false);
                var success = Succeeded(response, body);
                response = null;
                return success;
            }

            if (kind == ArmOutcomeKind.Challenge)
            {
                // One fresh token and one retry: the request was not processed, so this is safe for every method.
                Log.ArmChallenge(pipeline.Logger, method.Method, uri.AbsoluteUri);
                response.Dispose();
                response = null;
                var fresh = await pipeline.Credential.RefreshTokenAsync(pipeline.Audience, token, context.CallerToken).ConfigureAwait(false);
                return AttemptOutcome<ArmClient.SendResult>.Failed(new AttemptFailure(AttemptKind.RetryNow, "HTTP 401 challenge", context.ClientRequestId, Carry: fresh));
            }

            var failure = FailedWith(response, kind, context);
            response = null;
            return failure;
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            return TlsFailure(ex, context);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return Failed(Idempotent ? AttemptKind.Retry : AttemptKind.Fatal, $"could not reach {uri.Host}", context, ex);
        }
        finally
        {
            response?.Dispose();
        }
    }

    public AttemptFailure NoAnswer(Exception exception, TimeSpan timeout, AttemptContext context) =>
        new(Idempotent ? AttemptKind.Retry : AttemptKind.Fatal, $"no answer within {timeout.TotalSeconds:0.#} s", context.ClientRequestId, exception);

    public void OnRetry(AttemptFailure failure, int attempt, int retries, TimeSpan delay)
    {
        Log.ArmRetry(pipeline.Logger, attempt, method.Method, uri.AbsolutePath, failure.Reason, delay);
        activity?.SetTag("http.request.resend_count", retries);
    }

    public async ValueTask<Exception> GiveUpAsync(AttemptFailure failure, GiveUpReason reason, int attempts, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        var overall = pipeline.Settings.Options.OverallTimeout.TotalSeconds;
        switch (reason)
        {
            case GiveUpReason.DeadlineDuringAttempt:
                return ArmRequestException.FromNetworkFailure(method.Method, uri, $"no answer within the overall timeout of {overall:0.#} s", failure.ClientRequestId, failure.Exception!);
            case GiveUpReason.DeadlineBeforeRetry:
                return ArmRequestException.FromNetworkFailure(
                    method.Method, uri, $"{failure.Reason}, and the next retry would pass the overall timeout of {overall:0.#} s", failure.ClientRequestId, failure.Exception ?? new TimeoutException());
            case GiveUpReason.DeadlineWhileWaiting:
                return ArmRequestException.FromNetworkFailure(
                    method.Method, uri, $"{failure.Reason}, and the overall timeout of {overall:0.#} s passed while waiting to retry", failure.ClientRequestId, failure.Exception ?? new TimeoutException());
        }

        if (failure.Response is { } response)
        {
            return await CreateFailureAsync(response, failure.ClientRequestId, cancellationToken).ConfigureAwait(false);
        }

        return failure.Exception as ArmRequestException
            ?? ArmRequestException.FromNetworkFailure(method.Method, uri, failure.Reason, failure.ClientRequestId, failure.Exception ?? new TimeoutException());
    }

    private HttpRequestMessage CreateRequest(string authorization, AttemptContext context)
    {
        var request = new HttpRequestMessage(method, uri);
        var headers = request.Headers;
        headers.TryAddWithoutValidation("Authorization", authorization);
        headers.TryAddWithoutValidation("x-ms-client-request-id", context.ClientRequestId);
        headers.TryAddWithoutValidation("x-ms-return-client-request-id", "true");
        headers.TryAddWithoutValidation("User-Agent", UserAgent.Value);
        if (jsonBody is { } bodyBytes)
        {
            request.Content = new ReadOnlyMemoryContent(bodyBytes);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        }

        var logger = pipeline.Logger;
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var headerText = HeaderRedaction.Format(request);
            Log.ArmRequest(logger, method.Method, uri.AbsoluteUri, context.ClientRequestId, context.Attempt, headerText);
        }

        return request;
    }

    private ArmOutcomeKind Classify(HttpResponseMessage response, AttemptContext context, long attemptStart)
    {
        var status = (int)response.StatusCode;
        var logger = pipeline.Logger;
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var elapsed = pipeline.Settings.Time.GetElapsedTime(attemptStart).TotalMilliseconds;
            var requestId = ArmOutcome.First(response, "x-ms-request-id");
            Log.ArmResponse(logger, status, method.Method, uri.AbsoluteUri, elapsed, requestId);
        }

        // WwwAuthenticate is read only for a 401: the typed collection is allocated on first access.
        var challenged = status == 401 && response.Headers.WwwAuthenticate.Count > 0;
        return ArmOutcome.Classify(status, Idempotent, challenged, context.ImmediateRetryUsed);
    }

    private AttemptOutcome<ArmClient.SendResult> Succeeded(HttpResponseMessage response, PooledBody body)
    {
        if (activity is not null)
        {
            activity.SetTag("http.response.status_code", (int)response.StatusCode);
            activity.SetTag("az.service_request_id", ArmOutcome.First(response, "x-ms-request-id"));
        }

        return AttemptOutcome<ArmClient.SendResult>.Success(new ArmClient.SendResult(response, body, uri));
    }

    /// <summary>A failed answer; the response travels with the failure (read only if the call gives up on it).</summary>
    private AttemptOutcome<ArmClient.SendResult> FailedWith(HttpResponseMessage response, ArmOutcomeKind kind, AttemptContext context)
    {
        var status = (int)response.StatusCode;
        var retryAfter = kind == ArmOutcomeKind.Retriable ? RetryMath.GetRetryAfter(response, pipeline.Settings.Time.GetUtcNow()) : null;
        var attemptKind = kind == ArmOutcomeKind.Retriable ? AttemptKind.Retry : AttemptKind.Fatal;
        return AttemptOutcome<ArmClient.SendResult>.Failed(new AttemptFailure(attemptKind, $"HTTP {status}", context.ClientRequestId, Response: response, RetryAfter: retryAfter));
    }

    private AttemptOutcome<ArmClient.SendResult> TlsFailure(HttpRequestException ex, AttemptContext context)
    {
        // A certificate the process does not trust will not be trusted on the next attempt either.
        var tls = ArmRequestException.FromNetworkFailure(
            method.Method,
            uri,
            $"the TLS handshake with {uri.Authority} failed: {(ex.InnerException ?? ex).Message} If this is a local emulator, trust its certificate (on Linux: SSL_CERT_FILE=<its PEM>)",
            context.ClientRequestId,
            ex);
        return Failed(AttemptKind.Fatal, "TLS handshake failed", context, tls);
    }

    private async Task<ArmRequestException> CreateFailureAsync(HttpResponseMessage response, string clientRequestId, CancellationToken cancellationToken)
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
                method.Method, uri, status, response.ReasonPhrase, body, ArmOutcome.First(response, "x-ms-request-id"), ArmOutcome.First(response, "x-ms-correlation-request-id"), clientRequestId);
            Log.ArmFailed(pipeline.Logger, method.Method, uri.AbsolutePath, status, exception.ErrorCode, exception.RequestId);
            if (activity is not null)
            {
                activity.SetTag("http.response.status_code", status);
                activity.SetTag("error.type", exception.ErrorCode ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                activity.SetStatus(ActivityStatusCode.Error, exception.ErrorCode);
            }

            return exception;
        }
    }

    private static AttemptOutcome<ArmClient.SendResult> Failed(AttemptKind kind, string reason, AttemptContext context, Exception? exception = null) =>
        AttemptOutcome<ArmClient.SendResult>.Failed(new AttemptFailure(kind, reason, context.ClientRequestId, exception));
}

/// <summary>What an ARM answer means for the call.</summary>
internal enum ArmOutcomeKind
{
    Success,
    Challenge,
    Retriable,
    Fatal,
}

/// <summary>ARM's retry rules: which methods and statuses are retried, and when a 401 earns a fresh token.</summary>
internal static class ArmOutcome
{
    private static readonly HttpMethod[] IdempotentMethods = [HttpMethod.Get, HttpMethod.Head, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Options];

    /// <summary>
    /// 2xx succeeds; a 401 with a <c>WWW-Authenticate</c> challenge earns one fresh token per call; 408, 429, 500, 502,
    /// 503 and 504 are retried for idempotent methods; anything else fails. The status list is Azure.Core's default
    /// (<c>ResponseClassifier.IsRetriableResponse</c>, Azure/azure-sdk-for-net sdk/core/Azure.Core).
    /// </summary>
    public static ArmOutcomeKind Classify(int status, bool idempotent, bool hasChallenge, bool challengeUsed) => status switch
    {
        >= 200 and < 300 => ArmOutcomeKind.Success,
        401 when hasChallenge && !challengeUsed => ArmOutcomeKind.Challenge,
        408 or 429 or 500 or 502 or 503 or 504 when idempotent => ArmOutcomeKind.Retriable,
        _ => ArmOutcomeKind.Fatal,
    };

    public static bool IsIdempotent(HttpMethod method)
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

    public static string? First(HttpResponseMessage response, string name)
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
}
