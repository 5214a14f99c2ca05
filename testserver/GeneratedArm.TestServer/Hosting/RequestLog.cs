using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace GeneratedArm.TestServer.Hosting;

/// <summary>
/// Records every request (before faults, so faulted requests show too) in a ring of the last <see cref="Capacity"/>: recording is
/// O(1) under a short lock (one slot write), so a full log costs nothing more per request than an empty one.
/// </summary>
internal sealed class RequestLog
{
    private readonly Lock _gate = new();
    private readonly RecordedRequest?[] _ring = new RecordedRequest?[Capacity];
    private int _next;
    private int _count;

    /// <summary>At most this many requests are kept (oldest dropped) so long-running standalone emulators stay small.</summary>
    public const int Capacity = 10_000;

    /// <summary>The kept requests, oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_gate)
        {
            var result = new RecordedRequest[_count];
            int start = (_next - _count + Capacity) % Capacity;
            for (int i = 0; i < _count; i++) result[i] = _ring[(start + i) % Capacity]!;
            return result;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            Array.Clear(_ring);
            _next = _count = 0;
        }
    }

    public RecordedRequest Record(HttpContext context, DateTimeOffset now)
    {
        var recorded = new RecordedRequest(now, context.Request.Method, context.Request.GetEncodedUrl(), CopyHeaders(context.Request.Headers));
        lock (_gate)
        {
            _ring[_next] = recorded;
            _next = (_next + 1) % Capacity;
            if (_count < Capacity) _count++;
        }
        return recorded;
    }

    private static KeyValuePair<string, string>[] CopyHeaders(IHeaderDictionary source)
    {
        var headers = new KeyValuePair<string, string>[source.Count];
        int i = 0;
        foreach (var (name, values) in source)
        {
            string value = string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase) ? Redact(values.ToString()) : values.ToString();
            headers[i++] = new(name, value);
        }
        return i == headers.Length ? headers : headers[..i];
    }

    private static string Redact(string value)
    {
        int space = value.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? "<redacted>" : value[..space] + " <redacted>";
    }
}
