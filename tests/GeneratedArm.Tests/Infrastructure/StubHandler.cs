using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace GeneratedArm.Tests.Infrastructure;

/// <summary>A request as the handler saw it (headers copied, body read).</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A scripted <see cref="HttpMessageHandler"/>: each request is recorded and answered by <see cref="Respond"/>
/// (called with the request and its 1-based number).
/// </summary>
public sealed class StubHandler : HttpMessageHandler
{
    private int _count;

    public StubHandler(Func<HttpRequestMessage, int, Task<HttpResponseMessage>> respond) => Respond = respond;

    public StubHandler(Func<HttpRequestMessage, int, HttpResponseMessage> respond)
        : this((r, n) => Task.FromResult(respond(r, n)))
    {
    }

    public Func<HttpRequestMessage, int, Task<HttpResponseMessage>> Respond { get; set; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public int Count => Volatile.Read(ref _count);

    public RecordedRequest Last => Requests.Last();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _count);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers.NonValidated)
        {
            headers[header.Key] = header.Value.ToString();
        }

        string? body = null;
        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers)
            {
                headers[header.Key] = string.Join(",", header.Value);
            }

            body = await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }

        Requests.Enqueue(new RecordedRequest(request.Method, request.RequestUri!, headers, body));
        cancellationToken.ThrowIfCancellationRequested();
        var response = await Respond(request, n).WaitAsync(cancellationToken).ConfigureAwait(false);
        response.RequestMessage ??= request;
        return response;
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    public static HttpResponseMessage Status(HttpStatusCode status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent([]) };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}
