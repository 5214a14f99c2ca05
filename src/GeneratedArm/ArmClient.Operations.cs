using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using GeneratedArm.Serialization;

namespace GeneratedArm;

/// <summary>Long-running operations and paged lists.</summary>
public partial class ArmClient
{
    private static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Follows a long-running operation that <paramref name="response"/> started (ARM's async pattern) until it
    /// ends: polls <c>Azure-AsyncOperation</c> (its <c>status</c> until <c>Succeeded</c>, <c>Failed</c> or
    /// <c>Canceled</c>) or else <c>Location</c> (202 while running, then the result), waiting <c>Retry-After</c>
    /// between polls (at least 1 s; <see cref="ArmClientOptions.DefaultPollingInterval"/> when absent). A response
    /// that is already final (200, 204, or 201 without async headers) is returned as it is.
    /// </summary>
    /// <param name="response">The answer to a PUT, PATCH, POST or DELETE sent through this client.</param>
    /// <param name="cancellationToken">Stops polling at once (the operation itself goes on in Azure).</param>
    /// <returns>The final response: the resource for PUT/PATCH, the last poll for DELETE, the result for POST.</returns>
    /// <exception cref="ArmRequestException">A poll failed, or the operation ended <c>Failed</c> or <c>Canceled</c>.</exception>
    public virtual async Task<ArmResponse> WaitForCompletionAsync(ArmResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        var asyncOperation = response.GetHeader("Azure-AsyncOperation");
        var location = response.GetHeader("Location");
        if (response.Status is not (201 or 202) || (asyncOperation is null && location is null))
        {
            return response;
        }

        var apiVersion = ApiVersionOf(response.RequestUri) ?? "2021-04-01";
        var last = response;
        if (asyncOperation is not null)
        {
            while (true)
            {
                await DelayForPollAsync(last, cancellationToken).ConfigureAwait(false);
                last = await SendAsync(HttpMethod.Get, asyncOperation, apiVersion, null, cancellationToken).ConfigureAwait(false);
                var (status, error) = ReadOperationStatus(last.Content.Span);
                if (string.Equals(status, "Succeeded", StringComparison.OrdinalIgnoreCase))
                {
                    break;
                }

                if (string.Equals(status, "Failed", StringComparison.OrdinalIgnoreCase) || string.Equals(status, "Canceled", StringComparison.OrdinalIgnoreCase))
                {
                    var target = response.RequestUri ?? new Uri(asyncOperation);
                    throw new ArmRequestException(
                        $"ARM operation {response.RequestMethod?.Method ?? "?"} {target.AbsolutePath} ended {status}" + (error is null ? "." : $": {error}"),
                        last.Status, error, last.RequestId, last.CorrelationRequestId, last.ClientRequestId, last.ContentAsString());
                }
            }

            // PUT/PATCH: the resource itself is the result; POST: Location (if any) holds it; DELETE: nothing to fetch.
            var method = response.RequestMethod;
            if ((method == HttpMethod.Put || method == HttpMethod.Patch) && response.RequestUri is not null)
            {
                return await SendAsync(HttpMethod.Get, response.RequestUri.AbsoluteUri, apiVersion, null, cancellationToken).ConfigureAwait(false);
            }

            if (method == HttpMethod.Post && location is not null)
            {
                return await SendAsync(HttpMethod.Get, location, apiVersion, null, cancellationToken).ConfigureAwait(false);
            }

            return last;
        }

        while (true)
        {
            await DelayForPollAsync(last, cancellationToken).ConfigureAwait(false);
            last = await SendAsync(HttpMethod.Get, last.GetHeader("Location") ?? location!, apiVersion, null, cancellationToken).ConfigureAwait(false);
            if (last.Status != 202)
            {
                return last;
            }
        }
    }

    /// <summary>
    /// Lists a collection (<c>{"value":[…],"nextLink":"…"}</c>), following <c>nextLink</c> page by page.
    /// </summary>
    /// <typeparam name="T">The item model.</typeparam>
    /// <param name="path">The collection's ARM path, e.g. <c>/subscriptions/{id}/resourcegroups</c>.</param>
    /// <param name="apiVersion">The <c>api-version</c>.</param>
    /// <param name="cancellationToken">Stops the listing at once.</param>
    /// <returns>The items, fetched lazily.</returns>
    /// <exception cref="ArmRequestException">A page request failed.</exception>
    public virtual async IAsyncEnumerable<T> ListAsync<T>(string path, string apiVersion, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : IArmModel<T>
    {
        string? next = path;
        while (next is not null)
        {
            List<T> items;
            var result = await SendCoreAsync(HttpMethod.Get, next, apiVersion, null, cancellationToken).ConfigureAwait(false);
            try
            {
                (items, next) = ReadPage<T>(result.Body.Span);
            }
            finally
            {
                result.Dispose();
            }

            foreach (var item in items)
            {
                yield return item;
            }
        }
    }

    private static (List<T> Items, string? NextLink) ReadPage<T>(ReadOnlySpan<byte> body)
        where T : IArmModel<T>
    {
        var items = new List<T>();
        string? nextLink = null;
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A list response must be a JSON object with a 'value' array.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("value"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        items.Add(T.ReadJson(ref reader));
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("nextLink"u8))
            {
                reader.Read();
                nextLink = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (items, string.IsNullOrEmpty(nextLink) ? null : nextLink);
    }

    private static (string? Status, ArmError? Error) ReadOperationStatus(ReadOnlySpan<byte> body)
    {
        string? status = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isStatus = reader.ValueTextEquals("status"u8);
                    reader.Read();
                    if (isStatus && reader.TokenType == JsonTokenType.String)
                    {
                        status = reader.GetString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: treat as still running.
        }

        return (status, ArmError.TryParseEnvelope(body));
    }

    private Task DelayForPollAsync(ArmResponse last, CancellationToken cancellationToken)
    {
        var wait = RetryAfterOf(last) ?? _defaultPollingInterval;
        return Task.Delay(wait < MinimumPollingInterval ? MinimumPollingInterval : wait, _time, cancellationToken);
    }

    private TimeSpan? RetryAfterOf(ArmResponse response)
    {
        var text = response.GetHeader("Retry-After");
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds < 86400)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) && date > _time.GetUtcNow()
            ? date - _time.GetUtcNow()
            : null;
    }

    private static string? ApiVersionOf(Uri? uri)
    {
        if (uri is null)
        {
            return null;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&'))
        {
            if (pair.StartsWith("api-version=", StringComparison.OrdinalIgnoreCase))
            {
                return Uri.UnescapeDataString(pair["api-version=".Length..]);
            }
        }

        return null;
    }
}
