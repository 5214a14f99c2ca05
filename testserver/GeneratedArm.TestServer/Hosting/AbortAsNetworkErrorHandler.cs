namespace GeneratedArm.TestServer.Hosting;

/// <summary>
/// TestServer reports a server-side abort as <see cref="OperationCanceledException"/>; over a socket the client sees
/// <see cref="HttpRequestException"/> ("response ended prematurely"). This handler makes the in-process emulator look like the
/// network, so retry policies classify an aborted connection the same way in both modes.
/// </summary>
internal sealed class AbortAsNetworkErrorHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException(HttpRequestError.ResponseEnded,
                "An error occurred while sending the request.", new IOException("The response ended prematurely.", e));
        }
    }
}
