namespace GeneratedArm.TestServer;

/// <summary>A request the emulator received, for assertions. The <c>Authorization</c> header's credential is redacted.</summary>
public sealed class RecordedRequest
{
    internal RecordedRequest(DateTimeOffset receivedAt, string method, Uri uri, IReadOnlyDictionary<string, string> headers)
    {
        ReceivedAt = receivedAt;
        Method = method;
        Uri = uri;
        Headers = headers;
    }

    public DateTimeOffset ReceivedAt { get; }
    public string Method { get; }
    public Uri Uri { get; }

    /// <summary>Request headers (case-insensitive keys; repeated headers joined with ", "). <c>Authorization: Bearer &lt;redacted&gt;</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The status code sent, or null while the request is in flight; 0 when the connection was aborted.</summary>
    public int? StatusCode { get; internal set; }

    public override string ToString() => $"{Method} {Uri} -> {StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "…"}";
}
