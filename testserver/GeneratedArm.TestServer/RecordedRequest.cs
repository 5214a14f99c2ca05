namespace GeneratedArm.TestServer;

/// <summary>A request the emulator received, for assertions. The <c>Authorization</c> header's credential is redacted.</summary>
public sealed class RecordedRequest
{
    private readonly string _url;
    private readonly KeyValuePair<string, string>[] _headers;
    private Uri? _uri;
    private IReadOnlyDictionary<string, string>? _headerLookup;

    // The URI and the header dictionary are built on first read: recording stays cheap on the request path (most are never read).
    internal RecordedRequest(DateTimeOffset receivedAt, string method, string url, KeyValuePair<string, string>[] headers)
    {
        ReceivedAt = receivedAt;
        Method = method;
        _url = url;
        _headers = headers;
    }

    public DateTimeOffset ReceivedAt { get; }
    public string Method { get; }
    public Uri Uri => _uri ??= new Uri(_url);

    /// <summary>Request headers (case-insensitive keys; repeated headers joined with ", "). <c>Authorization: Bearer &lt;redacted&gt;</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers => _headerLookup ??= ToLookup(_headers);

    /// <summary>The status code sent, or null while the request is in flight; 0 when the connection was aborted.</summary>
    public int? StatusCode { get; internal init; }

    public override string ToString() => $"{Method} {Uri} -> {StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "…"}";

    private static Dictionary<string, string> ToLookup(KeyValuePair<string, string>[] headers)
    {
        var lookup = new Dictionary<string, string>(headers.Length, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers) lookup[name] = value;
        return lookup;
    }
}
