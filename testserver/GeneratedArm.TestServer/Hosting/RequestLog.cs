using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace GeneratedArm.TestServer.Hosting;

/// <summary>Records every request (before faults, so faulted requests show too).</summary>
internal sealed class RequestLog
{
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];

    /// <summary>At most this many requests are kept (oldest dropped) so long-running standalone emulators stay small.</summary>
    public const int Capacity = 10_000;

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_gate) { return [.. _requests]; }
    }

    public void Clear()
    {
        lock (_gate) { _requests.Clear(); }
    }

    public RecordedRequest Record(HttpContext context, DateTimeOffset now)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Request.Headers)
        {
            headers[name] = string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase)
                ? Redact(values.ToString())
                : values.ToString();
        }
        var recorded = new RecordedRequest(now, context.Request.Method, new Uri(context.Request.GetEncodedUrl()), headers);
        lock (_gate)
        {
            if (_requests.Count >= Capacity) _requests.RemoveAt(0);
            _requests.Add(recorded);
        }
        return recorded;
    }

    private static string Redact(string value)
    {
        int space = value.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? "<redacted>" : value[..space] + " <redacted>";
    }
}
