using GeneratedArm.TestServer.Faults;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.Identity;
using GeneratedArm.TestServer.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace GeneratedArm.TestServer;

/// <summary>
/// An in-process Azure emulator: IMDS (<c>http://169.254.169.254</c>), the Entra token issuer's discovery/JWKS,
/// and ARM (<c>https://management.azure.com</c>), served by ASP.NET Core's TestServer — no sockets, no ports.
/// Starts in milliseconds; make one per test.
/// </summary>
public sealed partial class AzureEmulator : IAsyncDisposable, IDisposable
{
    private readonly WebApplication _app;
    private readonly Microsoft.AspNetCore.TestHost.TestServer _server;
    private readonly EmulatorRuntime _runtime;
    private int _disposed;

    private AzureEmulator(EmulatorRuntime runtime)
    {
        _runtime = runtime;
        _app = EmulatorApplication.Build(runtime, builder => builder.WebHost.UseTestServer());
        // TestServer starts synchronously (no sockets).
        _app.StartAsync().GetAwaiter().GetResult();
        _server = (Microsoft.AspNetCore.TestHost.TestServer)_app.Services.GetService(typeof(Microsoft.AspNetCore.Hosting.Server.IServer))!;
    }

    /// <summary>IMDS's address on an Azure VM; requests to it through <see cref="CreateHandler"/> reach the emulator.</summary>
    public static Uri ImdsEndpoint { get; } = new("http://169.254.169.254");

    /// <summary>ARM's public-cloud address; requests to it through <see cref="CreateHandler"/> reach the emulator.</summary>
    public static Uri ArmEndpoint { get; } = new("https://management.azure.com");

    /// <summary>Creates and starts an emulator; by default in the tutorial's state (see <see cref="TutorialDefaults"/>).</summary>
    public static AzureEmulator Create(Action<EmulatorBuilder>? configure = null)
    {
        var builder = new EmulatorBuilder();
        configure?.Invoke(builder);
        return new AzureEmulator(new EmulatorRuntime(builder.Build()));
    }

    /// <summary>
    /// A handler that delivers every request to the emulator whatever its host: <c>http://169.254.169.254</c> (IMDS),
    /// <c>https://management.azure.com</c> (ARM), <c>https://login.microsoftonline.com</c> (discovery/JWKS) or any other.
    /// The endpoints are told apart by path, as their paths do not overlap. An aborted connection (fault rule) surfaces as
    /// <see cref="HttpRequestException"/>, as it would over a socket.
    /// </summary>
    public HttpMessageHandler CreateHandler() => new AbortAsNetworkErrorHandler(_server.CreateHandler());

    /// <summary>An <see cref="HttpClient"/> over <see cref="CreateHandler"/>, with base address <c>https://management.azure.com/</c>.</summary>
    public HttpClient CreateClient() => new(CreateHandler()) { BaseAddress = ArmEndpoint };

    /// <summary>The underlying TestServer (tests of the emulator itself use it to set connection details such as the remote address).</summary>
    internal Microsoft.AspNetCore.TestHost.TestServer Server => _server;

    internal EmulatorRuntime Runtime => _runtime;

    /// <summary>The requests received so far, oldest first (<c>Authorization</c> redacted).</summary>
    public IReadOnlyList<RecordedRequest> Requests => _runtime.Requests.Snapshot();

    /// <summary>The live state (resource groups, identities, role assignments…); changes take effect immediately.</summary>
    public EmulatorState State => _runtime.State;

    /// <summary>The key tokens are signed with (its public part is in the JWKS).</summary>
    public SigningKey SigningKey => _runtime.Options.SigningKey;

    /// <summary>The tutorial VM's system-assigned identity, or whichever identity IMDS would pick without a selector.</summary>
    public ManagedIdentityInfo DefaultIdentity
    {
        get
        {
            var vm = State.ImdsVirtualMachine ?? throw new InvalidOperationException("The state has no virtual machine.");
            var ids = State.IdentitiesOf(vm);
            return ids.Count > 0 ? ids[0] : throw new InvalidOperationException("The IMDS virtual machine has no identity.");
        }
    }

    /// <summary>
    /// Signs a token for <paramref name="identity"/> directly (no IMDS, no cache): for tests that need a token IMDS would not hand out
    /// (expired, other audience, other principal). <paramref name="issuedAt"/> defaults to now, <paramref name="lifetime"/> to the configured one.
    /// </summary>
    public string CreateAccessToken(ManagedIdentityInfo identity, string resource = "https://management.azure.com/",
        DateTimeOffset? issuedAt = null, TimeSpan? lifetime = null, SigningKey? signingKey = null) =>
        _runtime.Tokens.Issue(identity, resource, issuedAt ?? _runtime.Tokens.Now, lifetime ?? _runtime.Options.TokenLifetime, signingKey).AccessToken;

    /// <summary>The active fault rules (expired ones are dropped).</summary>
    public IReadOnlyList<FaultRule> Faults => _runtime.Faults.Rules;

    /// <summary>Adds a fault rule now (its duration counts from now); returns it with its name. See <see cref="FaultRules"/>.</summary>
    public FaultRule AddFault(FaultRule rule) => _runtime.Faults.Add(rule);

    /// <summary>Removes a fault rule by name.</summary>
    public bool RemoveFault(string name) => _runtime.Faults.Remove(name);

    /// <summary>Removes every fault rule.</summary>
    public void ClearFaults() => _runtime.Faults.Clear();

    /// <summary>Back to the state the emulator was created with; clears recorded requests and the token cache; restores the initial fault rules.</summary>
    public void Reset() => _runtime.Reset();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _runtime.Stop();
        _server.Dispose();
        ((IDisposable)_app).Dispose();
        _runtime.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _runtime.Stop();
        _server.Dispose();
        await _app.DisposeAsync().ConfigureAwait(false);
        _runtime.Dispose();
    }
}
