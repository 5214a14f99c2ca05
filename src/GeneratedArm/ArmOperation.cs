using System.Text.Json;

namespace GeneratedArm;

/// <summary>
/// A long-running ARM operation (<c>x-ms-long-running-operation</c>) started by a PUT, PATCH, POST or DELETE.
/// Polls as Azure.Core's <c>NextLinkOperationImplementation</c> does: the <c>Operation-Location</c> or
/// <c>Azure-AsyncOperation</c> URL (its <c>status</c>), else <c>Location</c> (202 while running), else the resource's
/// <c>properties.provisioningState</c>, waiting <c>Retry-After</c> (at least 1 s) between polls.
/// <see cref="Id"/> is a rehydration token: <see cref="Rehydrate(ArmClient, string)"/> continues the operation
/// in another process.
/// </summary>
public class ArmOperation
{
    private readonly ArmOperationState _state = null!;

    /// <summary>Starts following the operation <paramref name="initialResponse"/> answers (called by generated clients).</summary>
    /// <param name="client">The client that sent the request; it sends the polls.</param>
    /// <param name="initialResponse">The answer to the PUT, PATCH, POST or DELETE (from <see cref="ArmClient.SendAsync"/>).</param>
    /// <param name="finalStateVia">Where the result is read once the operation has succeeded.</param>
    public ArmOperation(ArmClient client, ArmResponse initialResponse, ArmFinalStateVia finalStateVia = ArmFinalStateVia.Location)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(initialResponse);
        _state = ArmOperationState.Start(client, initialResponse, finalStateVia);
    }

    /// <summary>For mocking: a subclass overrides the members it needs.</summary>
    protected ArmOperation()
    {
    }

    private protected ArmOperation(ArmOperationState state)
    {
        _state = state;
    }

    /// <summary>
    /// The rehydration token: what <see cref="Rehydrate(ArmClient, string)"/> needs to continue polling (method,
    /// original URI, polling URL, final-state-via, api-version). It holds no credential.
    /// </summary>
    public virtual string Id => State.Token;

    /// <summary>Whether the operation has ended (succeeded; a failure throws from <see cref="UpdateStatusAsync"/>).</summary>
    public virtual bool HasCompleted => State.HasCompleted;

    private protected ArmOperationState State => _state ?? throw new InvalidOperationException("This operation was created for a mock; override the member you call.");

    /// <summary>Continues an operation from its <see cref="Id"/>, e.g. after a restart.</summary>
    /// <param name="client">The client to poll with (it needs the same credential's rights).</param>
    /// <param name="id">A token from <see cref="Id"/>.</param>
    /// <returns>The operation, not yet polled (<see cref="HasCompleted"/> is <see langword="false"/>).</returns>
    /// <exception cref="ArgumentException"><paramref name="id"/> is not a token from <see cref="Id"/>.</exception>
    public static ArmOperation Rehydrate(ArmClient client, string id)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new ArmOperation(ArmOperationState.Rehydrate(client, id));
    }

    /// <summary>Continues an operation with a result from its <see cref="Id"/>, e.g. after a restart.</summary>
    /// <typeparam name="T">The result model.</typeparam>
    /// <param name="client">The client to poll with.</param>
    /// <param name="id">A token from <see cref="Id"/>.</param>
    /// <returns>The operation, not yet polled.</returns>
    /// <exception cref="ArgumentException"><paramref name="id"/> is not a token from <see cref="Id"/>.</exception>
    public static ArmOperation<T> Rehydrate<T>(ArmClient client, string id)
        where T : Serialization.IArmModel<T>
    {
        ArgumentNullException.ThrowIfNull(client);
        return new ArmOperation<T>(ArmOperationState.Rehydrate(client, id));
    }

    /// <summary>The last response: the initial one, then the last poll, then the final result.</summary>
    /// <returns>The raw response; before the first poll of a rehydrated operation, an empty 202.</returns>
    public virtual ArmResponse GetRawResponse() => State.RawResponse;

    /// <summary>Polls once (unless the operation has already ended).</summary>
    /// <param name="cancellationToken">Stops the request at once.</param>
    /// <returns>The response of the poll (the final result once it has ended).</returns>
    /// <exception cref="ArmRequestException">The poll failed, or the operation ended <c>Failed</c> or <c>Canceled</c>.</exception>
    public virtual Task<ArmResponse> UpdateStatusAsync(CancellationToken cancellationToken = default) => State.UpdateAsync(cancellationToken);

    /// <summary>Polls until the operation ends, waiting <c>Retry-After</c> (at least 1 s) between polls.</summary>
    /// <param name="cancellationToken">Stops polling at once (the operation itself goes on in Azure).</param>
    /// <returns>The final response.</returns>
    /// <exception cref="ArmRequestException">A poll failed, or the operation ended <c>Failed</c> or <c>Canceled</c>.</exception>
    public virtual Task<ArmResponse> WaitForCompletionAsync(CancellationToken cancellationToken = default) => State.WaitAsync(cancellationToken);
}

/// <summary>A long-running ARM operation whose result is a <typeparamref name="T"/> (e.g. the created resource).</summary>
/// <typeparam name="T">The result model.</typeparam>
public class ArmOperation<T> : ArmOperation
    where T : Serialization.IArmModel<T>
{
    /// <summary>Starts following the operation <paramref name="initialResponse"/> answers (called by generated clients).</summary>
    /// <param name="client">The client that sent the request; it sends the polls.</param>
    /// <param name="initialResponse">The answer to the PUT, PATCH or POST.</param>
    /// <param name="finalStateVia">Where the result is read once the operation has succeeded.</param>
    public ArmOperation(ArmClient client, ArmResponse initialResponse, ArmFinalStateVia finalStateVia = ArmFinalStateVia.Location)
        : base(client, initialResponse, finalStateVia)
    {
    }

    /// <summary>For mocking: a subclass overrides the members it needs.</summary>
    protected ArmOperation()
    {
    }

    internal ArmOperation(ArmOperationState state)
        : base(state)
    {
    }

    /// <summary>Whether the operation has ended with a body to read as <typeparamref name="T"/>.</summary>
    public virtual bool HasValue => State.HasCompleted && !State.RawResponse.Content.IsEmpty;

    /// <summary>The result, read from the final response.</summary>
    /// <exception cref="InvalidOperationException">The operation has not ended yet, or ended without a body.</exception>
    public virtual T Value => HasValue
        ? State.RawResponse.ContentAs<T>()
        : throw new InvalidOperationException(State.HasCompleted
            ? "The operation ended without a result body; check GetRawResponse()."
            : "The operation has not completed yet; call WaitForCompletionAsync() or UpdateStatusAsync() first.");

    /// <summary>Polls until the operation ends and reads the result.</summary>
    /// <param name="cancellationToken">Stops polling at once (the operation itself goes on in Azure).</param>
    /// <returns>The result with its final response.</returns>
    /// <exception cref="ArmRequestException">A poll failed, or the operation ended <c>Failed</c> or <c>Canceled</c>.</exception>
    /// <exception cref="JsonException">The final response is not a <typeparamref name="T"/>.</exception>
    public new virtual async Task<ArmResponse<T>> WaitForCompletionAsync(CancellationToken cancellationToken = default)
    {
        var final = await base.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
        return new ArmResponse<T>(Value, final);
    }
}
