using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GeneratedArm.Serialization;

namespace GeneratedArm;

/// <summary>A successful ARM response: status, headers and the body's bytes.</summary>
public sealed class ArmResponse
{
    /// <summary>Creates a response (for tests and mocks).</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="headers">The response headers.</param>
    /// <param name="content">The body.</param>
    /// <param name="contentHeaders">The content headers, if any.</param>
    public ArmResponse(int status, HttpResponseHeaders headers, ReadOnlyMemory<byte> content, HttpContentHeaders? contentHeaders = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        Status = status;
        Headers = headers;
        Content = content;
        ContentHeaders = contentHeaders;
    }

    /// <summary>The method of the request this answers (set by <see cref="ArmClient"/>; used to finish long-running operations).</summary>
    public HttpMethod? RequestMethod { get; init; }

    /// <summary>The URI of the request this answers, <c>api-version</c> included (set by <see cref="ArmClient"/>).</summary>
    public Uri? RequestUri { get; init; }

    /// <summary>The HTTP status, e.g. 200, 201, 202, 204.</summary>
    public int Status { get; }

    /// <summary>The response headers.</summary>
    public HttpResponseHeaders Headers { get; }

    /// <summary>The content headers (<c>Content-Type</c>, <c>Content-Length</c>), if the response had content.</summary>
    public HttpContentHeaders? ContentHeaders { get; }

    /// <summary>The body's bytes (empty for 204 and most 202s).</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>The <c>x-ms-request-id</c> header: ARM's id for this request.</summary>
    public string? RequestId => GetHeader("x-ms-request-id");

    /// <summary>The <c>x-ms-correlation-request-id</c> header.</summary>
    public string? CorrelationRequestId => GetHeader("x-ms-correlation-request-id");

    /// <summary>The <c>x-ms-client-request-id</c> header echoed by ARM.</summary>
    public string? ClientRequestId => GetHeader("x-ms-client-request-id");

    /// <summary>The body decoded as UTF-8.</summary>
    /// <returns>The body text; empty when there is no body.</returns>
    public string ContentAsString() => Content.IsEmpty ? string.Empty : Encoding.UTF8.GetString(Content.Span);

    /// <summary>Reads the body as a generated model.</summary>
    /// <typeparam name="T">The model type.</typeparam>
    /// <returns>The model.</returns>
    /// <exception cref="JsonException">The body is not valid JSON for <typeparamref name="T"/>.</exception>
    public T ContentAs<T>()
        where T : IArmModel<T>
    {
        var reader = new Utf8JsonReader(Content.Span);
        if (!reader.Read())
        {
            throw new JsonException($"The response has no body to read as {typeof(T).Name}.");
        }

        return T.ReadJson(ref reader);
    }

    /// <summary>The first value of a response header, or <see langword="null"/>.</summary>
    /// <param name="name">The header name (case-insensitive).</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    public string? GetHeader(string name)
    {
        if (Headers.TryGetValues(name, out var values) || (ContentHeaders is not null && ContentHeaders.TryGetValues(name, out values)))
        {
            foreach (var value in values)
            {
                return value;
            }
        }

        return null;
    }
}
