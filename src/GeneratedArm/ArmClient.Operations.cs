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
        if (response.Status is not (201 or 202) || (response.GetHeader("Azure-AsyncOperation") is null && response.GetHeader("Location") is null))
        {
            return response;
        }

        return await new ArmOperation(this, response).WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A list (<c>{"value":[…],"nextLink":"…"}</c>) as pages: enumerate it for the items, or call
    /// <see cref="ArmPageable{T}.AsPages(string?)"/> for each page's values, <c>nextLink</c> and response.
    /// </summary>
    /// <typeparam name="T">The item model.</typeparam>
    /// <param name="path">The collection's ARM path with its query, e.g. <c>/subscriptions/{id}/resourcegroups?$top=10</c>.</param>
    /// <param name="apiVersion">The <c>api-version</c> (a <c>nextLink</c> carries its own).</param>
    /// <param name="cancellationToken">Stops the listing at once.</param>
    /// <returns>The pageable; nothing is sent until it is enumerated.</returns>
    public virtual ArmPageable<T> GetPageable<T>(string path, string apiVersion, CancellationToken cancellationToken = default)
        where T : IArmModel<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(apiVersion);
        return ArmPageable.FromPages<T>((next, token) => GetPageAsync<T>(next ?? path, apiVersion, token), cancellationToken);
    }

    /// <summary>Sends <c>HEAD</c>: <see langword="true"/> for 2xx, <see langword="false"/> for 404, with the response either way.</summary>
    /// <param name="path">An ARM path.</param>
    /// <param name="apiVersion">The <c>api-version</c>.</param>
    /// <param name="cancellationToken">Stops the request at once.</param>
    /// <returns>Whether the resource exists, with the response (for a 404, its status and request ids).</returns>
    /// <exception cref="ArmRequestException">ARM answered with another non-success status, or could not be reached.</exception>
    public virtual async Task<ArmResponse<bool>> HeadAsync(string path, string apiVersion, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await SendAsync(HttpMethod.Head, path, apiVersion, null, cancellationToken).ConfigureAwait(false);
            return new ArmResponse<bool>(true, response);
        }
        catch (ArmRequestException ex) when (ex.Status == 404)
        {
            return new ArmResponse<bool>(false, NotFoundResponse(ex));
        }
    }

    private async Task<ArmPage<T>> GetPageAsync<T>(string pathOrNextLink, string apiVersion, CancellationToken cancellationToken)
        where T : IArmModel<T>
    {
        var response = await SendAsync(HttpMethod.Get, pathOrNextLink, apiVersion, null, cancellationToken).ConfigureAwait(false);
        var (items, nextLink) = ReadPage<T>(response.Content.Span);
        return new ArmPage<T>(items, nextLink, response);
    }

    /// <summary>A 404 as a response: the status and the request ids ARM sent (the exception keeps no other headers).</summary>
    private static ArmResponse NotFoundResponse(ArmRequestException ex)
    {
        var headers = new HttpResponseMessage().Headers;
        AddIfPresent(headers, "x-ms-request-id", ex.RequestId);
        AddIfPresent(headers, "x-ms-correlation-request-id", ex.CorrelationRequestId);
        AddIfPresent(headers, "x-ms-client-request-id", ex.ClientRequestId);
        return new ArmResponse(404, headers, ReadOnlyMemory<byte>.Empty) { RequestMethod = HttpMethod.Head };

        static void AddIfPresent(System.Net.Http.Headers.HttpResponseHeaders headers, string name, string? value)
        {
            if (value is not null)
            {
                headers.TryAddWithoutValidation(name, value);
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

    /// <summary>Waits before the next poll: <c>Retry-After</c>, else the default interval; at least 1 s.</summary>
    internal Task DelayForPollAsync(ArmResponse last, CancellationToken cancellationToken)
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
}
