using System.Net.Http.Headers;

namespace GeneratedArm;

/// <summary>
/// A typed ARM answer: the model in <see cref="Value"/> plus the status, headers and request ids of the response
/// it came from. Converts implicitly to <typeparamref name="T"/>, so <c>ResourceGroup rg = await ...GetAsync(...)</c> works.
/// </summary>
/// <typeparam name="T">The model (or <see cref="bool"/> for HEAD).</typeparam>
public class ArmResponse<T>
{
    private readonly T _value = default!;
    private readonly ArmResponse _rawResponse = null!;

    /// <summary>Creates a response with a value.</summary>
    /// <param name="value">The model read from <paramref name="rawResponse"/>.</param>
    /// <param name="rawResponse">The HTTP response.</param>
    public ArmResponse(T value, ArmResponse rawResponse)
    {
        ArgumentNullException.ThrowIfNull(rawResponse);
        _value = value;
        _rawResponse = rawResponse;
    }

    /// <summary>For mocking: a subclass overrides the members it needs.</summary>
    protected ArmResponse()
    {
    }

    /// <summary>The model.</summary>
    public virtual T Value => _value;

    /// <summary>The HTTP status, e.g. 200.</summary>
    public virtual int Status => GetRawResponse().Status;

    /// <summary>The response headers.</summary>
    public virtual HttpResponseHeaders Headers => GetRawResponse().Headers;

    /// <summary>The <c>x-ms-request-id</c> header: ARM's id for this request (quote it to Azure support).</summary>
    public virtual string? RequestId => GetRawResponse().RequestId;

    /// <summary>The <c>x-ms-correlation-request-id</c> header.</summary>
    public virtual string? CorrelationRequestId => GetRawResponse().CorrelationRequestId;

    /// <summary>The <c>x-ms-client-request-id</c> header echoed by ARM.</summary>
    public virtual string? ClientRequestId => GetRawResponse().ClientRequestId;

    /// <summary>Converts to the model, so a typed call can be awaited straight into a <typeparamref name="T"/>.</summary>
    /// <param name="response">The response.</param>
    public static implicit operator T(ArmResponse<T> response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Value;
    }

    /// <summary>The HTTP response the value was read from.</summary>
    /// <returns>The raw response.</returns>
    public virtual ArmResponse GetRawResponse() => _rawResponse ?? throw new InvalidOperationException("This response was created for a mock without a raw response; override GetRawResponse.");

    /// <summary>The value, as <c>ToString()</c> of the model.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Status}: {Value}";
}
