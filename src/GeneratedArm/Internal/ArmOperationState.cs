using System.Buffers;
using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Text.Json;

namespace GeneratedArm;

/// <summary>
/// The polling state of one long-running operation, and its rehydration token. The rules follow Azure.Core's
/// NextLinkOperationImplementation (Azure/azure-sdk-for-net, sdk/core/Azure.Core/src/Shared): the header that names
/// the poll URL (Operation-Location, then Azure-AsyncOperation, then Location), PATCH answering 200 ignores headers,
/// "succeeded" / "failed" / "canceled" are the terminal states, and the final URI depends on final-state-via.
/// </summary>
internal sealed class ArmOperationState
{
    private const int TokenVersion = 1;
    private static readonly HttpResponseHeaders NoHeaders = new HttpResponseMessage().Headers;

    private readonly ArmClient _client;
    private readonly string _method;
    private readonly string _startUri;
    private readonly string _apiVersion;
    private readonly ArmFinalStateVia _finalStateVia;
    private readonly HeaderSource _headerSource;
    private readonly string? _originalLocation;
    private string _pollUri;
    private ArmResponse _raw;
    private bool _rehydrated;

    private ArmOperationState(ArmClient client, string method, string startUri, string apiVersion, ArmFinalStateVia finalStateVia, HeaderSource headerSource, string pollUri, string? originalLocation, ArmResponse raw)
    {
        _client = client;
        _method = method;
        _startUri = startUri;
        _apiVersion = apiVersion;
        _finalStateVia = finalStateVia;
        _headerSource = headerSource;
        _pollUri = pollUri;
        _originalLocation = originalLocation;
        _raw = raw;
    }

    private enum HeaderSource
    {
        None,
        OperationLocation,
        AzureAsyncOperation,
        Location,
    }

    public bool HasCompleted { get; private set; }

    public ArmResponse RawResponse => _raw;

    public string Token => WriteToken();

    public static ArmOperationState Start(ArmClient client, ArmResponse initial, ArmFinalStateVia finalStateVia)
    {
        var method = initial.RequestMethod?.Method ?? throw new ArgumentException("The response does not say which request it answers; pass one returned by ArmClient.SendAsync.", nameof(initial));
        var startUri = initial.RequestUri?.AbsoluteUri ?? throw new ArgumentException("The response does not say which request it answers; pass one returned by ArmClient.SendAsync.", nameof(initial));
        var apiVersion = ApiVersionOf(initial.RequestUri) ?? throw new ArgumentException("The request carried no api-version to poll with.", nameof(initial));
        var location = initial.GetHeader("Location");
        var (source, poll) = HeaderSourceOf(method, initial, startUri);
        var state = new ArmOperationState(client, method, startUri, apiVersion, finalStateVia, source, poll, location, initial);

        // No polling header: the answer itself is final unless its provisioningState says it is still running.
        state.HasCompleted = source == HeaderSource.None && (IsTerminal(ProvisioningState(initial.Content.Span), initial, method, startUri) ?? true);
        return state;
    }

    public static ArmOperationState Rehydrate(ArmClient client, string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        try
        {
            var json = Base64Url.DecodeFromChars(token);
            var reader = new Utf8JsonReader(json);
            int version = 0;
            string? method = null, start = null, poll = null, location = null, apiVersion = null, source = null, finalStateVia = null;
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "version": version = reader.GetInt32(); break;
                    case "requestMethod": method = reader.GetString(); break;
                    case "initialUri": start = reader.GetString(); break;
                    case "nextRequestUri": poll = reader.GetString(); break;
                    case "lastKnownLocation": location = reader.GetString(); break;
                    case "apiVersion": apiVersion = reader.GetString(); break;
                    case "headerSource": source = reader.GetString(); break;
                    case "finalStateVia": finalStateVia = reader.GetString(); break;
                    default: reader.Skip(); break;
                }
            }

            if (version != TokenVersion || method is null || start is null || poll is null || apiVersion is null
                || !Enum.TryParse<HeaderSource>(source, out var headerSource) || !Enum.TryParse<ArmFinalStateVia>(finalStateVia, out var via))
            {
                throw new FormatException("missing or unknown fields");
            }

            var pending = new ArmResponse(202, NoHeaders, ReadOnlyMemory<byte>.Empty) { RequestMethod = new HttpMethod(method), RequestUri = new Uri(start) };
            return new ArmOperationState(client, method, start, apiVersion, via, headerSource, poll, location, pending) { _rehydrated = true };
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or UriFormatException)
        {
            throw new ArgumentException("The text is not an ArmOperation.Id rehydration token (" + ex.Message + "); pass the Id of an operation started by this library.", nameof(token), ex);
        }
    }

    public async Task<ArmResponse> UpdateAsync(CancellationToken cancellationToken)
    {
        if (HasCompleted)
        {
            return _raw;
        }

        _rehydrated = false;
        ArmResponse poll;
        try
        {
            poll = await _client.SendAsync(HttpMethod.Get, _pollUri, _apiVersion, null, cancellationToken).ConfigureAwait(false);
        }
        catch (ArmRequestException ex) when (ex.Status == 404 && _headerSource == HeaderSource.None && _method == "DELETE")
        {
            // Polling a deleted resource itself: gone is done.
            _raw = new ArmResponse(204, NoHeaders, ReadOnlyMemory<byte>.Empty) { RequestMethod = HttpMethod.Delete, RequestUri = new Uri(_startUri) };
            HasCompleted = true;
            return _raw;
        }

        _raw = poll;
        if (_headerSource == HeaderSource.Location)
        {
            _pollUri = poll.GetHeader("Location") ?? _pollUri;
            HasCompleted = poll.Status != 202;
            return _raw;
        }

        var state = _headerSource == HeaderSource.None ? ProvisioningState(poll.Content.Span) : Status(poll.Content.Span);
        var terminal = IsTerminal(state, poll, _method, _startUri);
        if (terminal == false || (terminal is null && _headerSource != HeaderSource.None))
        {
            // A status document without a status (or not JSON) counts as still running.
            _pollUri = (_headerSource == HeaderSource.OperationLocation ? poll.GetHeader("Operation-Location") : _headerSource == HeaderSource.AzureAsyncOperation ? poll.GetHeader("Azure-AsyncOperation") : null) ?? _pollUri;
            return _raw;
        }

        if (FinalUri() is { } final)
        {
            _raw = await _client.SendAsync(HttpMethod.Get, final, _apiVersion, null, cancellationToken).ConfigureAwait(false);
        }

        HasCompleted = true;
        return _raw;
    }

    public async Task<ArmResponse> WaitAsync(CancellationToken cancellationToken)
    {
        if (_rehydrated)
        {
            // Nothing to wait for before the first poll of a rehydrated operation.
            await UpdateAsync(cancellationToken).ConfigureAwait(false);
        }

        while (!HasCompleted)
        {
            await _client.DelayForPollAsync(_raw, cancellationToken).ConfigureAwait(false);
            await UpdateAsync(cancellationToken).ConfigureAwait(false);
        }

        return _raw;
    }

    /// <summary>Where the result is read after success (null: the last poll is the result).</summary>
    private string? FinalUri()
    {
        if (_headerSource is not (HeaderSource.OperationLocation or HeaderSource.AzureAsyncOperation) || _method == "DELETE")
        {
            return null;
        }

        switch (_finalStateVia)
        {
            case ArmFinalStateVia.OriginalUri:
                return _startUri;
            case ArmFinalStateVia.AzureAsyncOperation or ArmFinalStateVia.OperationLocation when _method == "POST":
                return null;
        }

        if (_method is "PUT" or "PATCH")
        {
            return _startUri;
        }

        return _originalLocation;
    }

    /// <returns>true: succeeded; null: no state to judge by; false: still running. Throws for failed/canceled.</returns>
    private static bool? IsTerminal(string? state, ArmResponse response, string method, string startUri)
    {
        if (state is null)
        {
            return null;
        }

        if (state.Equals("Succeeded", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (state.Equals("Failed", StringComparison.OrdinalIgnoreCase) || state.Equals("Canceled", StringComparison.OrdinalIgnoreCase))
        {
            var error = ArmError.TryParseEnvelope(response.Content.Span);
            throw new ArmRequestException(
                $"ARM operation {method} {new Uri(startUri).AbsolutePath} ended {state}" + (error is null ? "." : $": {error}"),
                response.Status, error, response.RequestId, response.CorrelationRequestId, response.ClientRequestId, response.ContentAsString());
        }

        return false;
    }

    private static (HeaderSource Source, string PollUri) HeaderSourceOf(string method, ArmResponse response, string startUri)
    {
        if (method == "PATCH" && response.Status == 200)
        {
            return (HeaderSource.None, startUri);
        }

        if (response.GetHeader("Operation-Location") is { } operationLocation)
        {
            return (HeaderSource.OperationLocation, operationLocation);
        }

        if (response.GetHeader("Azure-AsyncOperation") is { } asyncOperation)
        {
            return (HeaderSource.AzureAsyncOperation, asyncOperation);
        }

        return response.GetHeader("Location") is { } location ? (HeaderSource.Location, location) : (HeaderSource.None, startUri);
    }

    private static string? Status(ReadOnlySpan<byte> body) => ReadString(body, "status"u8, null);

    private static string? ProvisioningState(ReadOnlySpan<byte> body) => ReadString(body, "provisioningState"u8, "properties"u8);

    /// <summary>A top-level string property, or one inside the top-level object <paramref name="parent"/>.</summary>
    private static string? ReadString(ReadOnlySpan<byte> body, ReadOnlySpan<byte> name, ReadOnlySpan<byte> parent)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            if (!parent.IsEmpty)
            {
                if (!SeekProperty(ref reader, parent) || !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return null;
                }
            }

            return SeekProperty(ref reader, name) && reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Moves to the property <paramref name="name"/> of the object the reader is in (at its start).</summary>
    private static bool SeekProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                return true;
            }

            reader.Read();
            reader.Skip();
        }

        return false;
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

    /// <summary>Base64url JSON with the fields of Azure.Core's RehydrationToken that polling needs.</summary>
    private string WriteToken()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", TokenVersion);
            writer.WriteString("requestMethod", _method);
            writer.WriteString("initialUri", _startUri);
            writer.WriteString("nextRequestUri", _pollUri);
            writer.WriteString("headerSource", _headerSource.ToString());
            if (_originalLocation is not null)
            {
                writer.WriteString("lastKnownLocation", _originalLocation);
            }

            writer.WriteString("finalStateVia", _finalStateVia.ToString());
            writer.WriteString("apiVersion", _apiVersion);
            writer.WriteEndObject();
        }

        return Base64Url.EncodeToString(buffer.WrittenSpan);
    }
}
