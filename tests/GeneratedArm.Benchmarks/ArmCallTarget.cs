using GeneratedArm.Identity;
using GeneratedArm.TestServer;

namespace GeneratedArm.Benchmarks;

/// <summary>
/// What an ARM-call benchmark talks to, by its <c>Server</c> param: <c>Canned</c> (fixed bytes, no server work),
/// <c>Emulator</c> (the in-process emulator: token validation, RBAC) or <c>Loopback</c> (<see cref="LoopbackArmServer"/>:
/// Kestrel over HTTPS on 127.0.0.1, no server work). Holds the handler every client shares and a credential whose token
/// is already cached, so the benchmarks compare clients and nothing else.
/// </summary>
internal sealed class ArmCallTarget : IAsyncDisposable
{
    public const string ApiVersion = "2016-06-01";
    public static readonly string Path = $"/subscriptions/{TutorialDefaults.SubscriptionId}/resourceGroups/{TutorialDefaults.ResourceGroupName}";

    private readonly AzureEmulator? _emulator;
    private readonly LoopbackArmServer? _loopback;

    private ArmCallTarget(AzureEmulator? emulator, LoopbackArmServer? loopback, HttpMessageHandler handler, HttpMessageHandler imdsHandler, Uri endpoint)
    {
        _emulator = emulator;
        _loopback = loopback;
        Handler = handler;
        ImdsHandler = imdsHandler;
        Endpoint = endpoint;
        Credential = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions { Endpoint = new Uri("http://169.254.169.254"), Transport = imdsHandler });
    }

    /// <summary>ARM's handler, shared by every client of a benchmark.</summary>
    public HttpMessageHandler Handler { get; }

    /// <summary>IMDS's handler (the loopback server serves ARM only, so its tokens come from the canned handler).</summary>
    public HttpMessageHandler ImdsHandler { get; }

    /// <summary>ARM's base URL.</summary>
    public Uri Endpoint { get; }

    /// <summary>GeneratedArm's credential; its token is cached once <see cref="StartAsync"/> returns.</summary>
    public ManagedIdentityCredential Credential { get; }

    /// <summary>The cached token, for the hand-written clients' <c>Authorization</c> header.</summary>
    public string Token { get; private set; } = "";

    /// <summary>The GET's full URI, <c>api-version</c> included.</summary>
    public Uri ResourceGroupUri => new(Endpoint, $"{Path}?api-version={ApiVersion}");

    public static async Task<ArmCallTarget> StartAsync(string server)
    {
        ArmCallTarget target;
        switch (server)
        {
            case "Emulator":
                var emulator = AzureEmulator.Create();
                var handler = emulator.CreateHandler();
                target = new ArmCallTarget(emulator, null, handler, handler, new Uri("https://management.azure.com"));
                break;
            case "Loopback":
                var loopback = await LoopbackArmServer.StartAsync();
                target = new ArmCallTarget(null, loopback, loopback.CreateHandler(), new CannedAzureHandler(), loopback.Endpoint);
                break;
            default:
                var canned = new CannedAzureHandler();
                target = new ArmCallTarget(null, null, canned, canned, new Uri("https://management.azure.com"));
                break;
        }

        target.Token = (await target.Credential.GetTokenAsync("https://management.azure.com/")).Token;
        return target;
    }

    public async ValueTask DisposeAsync()
    {
        Credential.Dispose();
        Handler.Dispose();
        if (!ReferenceEquals(ImdsHandler, Handler))
        {
            ImdsHandler.Dispose();
        }

        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        if (_loopback is not null)
        {
            await _loopback.DisposeAsync();
        }
    }
}
