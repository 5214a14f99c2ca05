using System.Text;

namespace GeneratedArm;

/// <summary>
/// An ARM request failed: the service answered with a non-success status (decoded from ARM's error envelope
/// when the body is one), or it could not be reached (<see cref="Status"/> 0). The message is readable by a person
/// and never contains a token.
/// </summary>
public class ArmRequestException : Exception
{
    private static readonly IReadOnlyList<ArmError> NoDetails = [];
    private static readonly IReadOnlyList<ArmErrorAdditionalInfo> NoAdditionalInfo = [];

    /// <summary>Creates an exception with a message only.</summary>
    public ArmRequestException()
        : this("The ARM request failed.")
    {
    }

    /// <summary>Creates an exception with a message only.</summary>
    /// <param name="message">The message.</param>
    public ArmRequestException(string message)
        : this(message, (Exception?)null)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ArmRequestException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception describing a failed response.</summary>
    /// <param name="message">The message.</param>
    /// <param name="status">The HTTP status (0 when no response arrived).</param>
    /// <param name="error">ARM's decoded error, if the body was ARM's envelope.</param>
    /// <param name="requestId">The <c>x-ms-request-id</c> response header.</param>
    /// <param name="correlationRequestId">The <c>x-ms-correlation-request-id</c> response header.</param>
    /// <param name="clientRequestId">The <c>x-ms-client-request-id</c> sent with the request.</param>
    /// <param name="responseContent">The response body as text (may be empty).</param>
    /// <param name="innerException">The cause, if any.</param>
    public ArmRequestException(string message, int status, ArmError? error, string? requestId, string? correlationRequestId, string? clientRequestId, string? responseContent, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        Error = error;
        RequestId = requestId;
        CorrelationRequestId = correlationRequestId;
        ClientRequestId = clientRequestId;
        ResponseContent = responseContent;
    }

    /// <summary>The HTTP status; 0 when no response arrived (network failure, timeout).</summary>
    public int Status { get; }

    /// <summary>ARM's decoded error, or <see langword="null"/> when the body was not ARM's envelope.</summary>
    public ArmError? Error { get; }

    /// <summary><c>error.code</c>, e.g. <c>AuthorizationFailed</c>.</summary>
    public string? ErrorCode => Error?.Code;

    /// <summary><c>error.message</c>.</summary>
    public string? ErrorMessage => Error?.Message;

    /// <summary><c>error.target</c>.</summary>
    public string? Target => Error?.Target;

    /// <summary><c>error.details</c>.</summary>
    public IReadOnlyList<ArmError> Details => Error?.Details ?? NoDetails;

    /// <summary><c>error.additionalInfo</c>.</summary>
    public IReadOnlyList<ArmErrorAdditionalInfo> AdditionalInfo => Error?.AdditionalInfo ?? NoAdditionalInfo;

    /// <summary>The <c>x-ms-request-id</c> response header: quote it to Azure support.</summary>
    public string? RequestId { get; }

    /// <summary>The <c>x-ms-correlation-request-id</c> response header.</summary>
    public string? CorrelationRequestId { get; }

    /// <summary>The <c>x-ms-client-request-id</c> this client sent.</summary>
    public string? ClientRequestId { get; }

    /// <summary>The response body as text, for bodies that are not ARM's envelope.</summary>
    public string? ResponseContent { get; }

    internal static ArmRequestException FromResponse(string method, Uri uri, int status, string? reason, ReadOnlySpan<byte> body, string? requestId, string? correlationRequestId, string? clientRequestId)
    {
        var error = ArmError.TryParseEnvelope(body);
        var text = body.IsEmpty ? string.Empty : Encoding.UTF8.GetString(body);
        var message = new StringBuilder(256)
            .Append("ARM ").Append(method).Append(' ').Append(uri.AbsolutePath)
            .Append(" failed with ").Append(status);
        if (!string.IsNullOrEmpty(reason))
        {
            message.Append(" (").Append(reason).Append(')');
        }

        if (error is not null)
        {
            message.Append(": ").Append(error.Code ?? "(no code)");
            if (error.Message is not null)
            {
                message.Append(": ").Append(error.Message);
            }

            if (error.Target is not null)
            {
                message.Append(" [target: ").Append(error.Target).Append(']');
            }

            foreach (var detail in error.Details)
            {
                message.Append(Environment.NewLine).Append("  - ").Append(detail);
            }
        }
        else if (text.Length == 0)
        {
            message.Append(": the response had no body.");
        }
        else
        {
            const int Max = 500;
            var snippet = text.Length > Max ? string.Concat(text.AsSpan(0, Max), "…") : text;
            message.Append(": ").Append(snippet.ReplaceLineEndings(" ").Trim());
        }

        AppendIds(message, requestId, correlationRequestId, clientRequestId);
        return new ArmRequestException(message.ToString(), status, error, requestId, correlationRequestId, clientRequestId, text);
    }

    internal static ArmRequestException FromNetworkFailure(string method, Uri uri, string what, string? clientRequestId, Exception inner)
    {
        var message = new StringBuilder(256)
            .Append("ARM ").Append(method).Append(' ').Append(uri.AbsolutePath)
            .Append(" failed: ").Append(what).Append(" (").Append(inner.Message).Append(").");
        AppendIds(message, null, null, clientRequestId);
        return new ArmRequestException(message.ToString(), 0, null, null, null, clientRequestId, null, inner);
    }

    private static void AppendIds(StringBuilder message, string? requestId, string? correlationRequestId, string? clientRequestId)
    {
        if (requestId is not null || correlationRequestId is not null || clientRequestId is not null)
        {
            message.Append(Environment.NewLine).Append("  x-ms-request-id: ").Append(requestId ?? "-")
                .Append(", x-ms-correlation-request-id: ").Append(correlationRequestId ?? "-")
                .Append(", x-ms-client-request-id: ").Append(clientRequestId ?? "-");
        }
    }
}
