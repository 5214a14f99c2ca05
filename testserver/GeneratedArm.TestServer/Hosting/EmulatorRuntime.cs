using GeneratedArm.TestServer.Arm;
using GeneratedArm.TestServer.Faults;
using GeneratedArm.TestServer.Identity;
using GeneratedArm.TestServer.State;
using GeneratedArm.TestServer.State.Persistence;

namespace GeneratedArm.TestServer.Hosting;

/// <summary>One emulator's services: options, state, token issuer, request log. Registered as a singleton; endpoints capture it.</summary>
internal sealed class EmulatorRuntime : IDisposable
{
    public EmulatorRuntime(EmulatorOptions options)
    {
        Options = options;
        // With a data directory, the saved state wins over the configured one; every change is saved before it is acknowledged.
        EmulatorStateSnapshot? saved = null;
        Persistence = options.DataDirectory is { } dataDirectory ? DurableStateStore.Open(dataDirectory, out saved) : null;
        State = new EmulatorState(saved ?? options.InitialState);
        Persistence?.Attach(State);
        Arm = new ArmServices(options.Arm, options.TimeProvider);
        Arm.Deletions.RecoverInterrupted(State);
        Tokens = new TokenIssuer(options);
        Faults = new FaultEngine(options.TimeProvider);
        foreach (var rule in options.InitialFaults) Faults.Add(rule);
        if (options.AzureCli is { } cli) AzureCli = new DevMachine.AzureCliTokenSource(cli, options.TimeProvider, Stopping);
    }

    /// <summary>The Azure CLI token source (<c>--token-source azure-cli</c>), or null when tokens are emulated.</summary>
    public DevMachine.AzureCliTokenSource? AzureCli { get; }

    public EmulatorOptions Options { get; }
    public EmulatorState State { get; }
    public TokenIssuer Tokens { get; }
    public RequestLog Requests { get; } = new();
    public FaultEngine Faults { get; }

    /// <summary>The ARM side's throttling buckets and deletions in progress.</summary>
    public ArmServices Arm { get; }

    /// <summary>The durable store (standalone <c>--data-dir</c>), or null when the state lives in memory only.</summary>
    public DurableStateStore? Persistence { get; }

    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled when the emulator stops (releases hanging requests).</summary>
    public CancellationToken Stopping => _stopping.Token;

    public void Stop()
    {
        try { _stopping.Cancel(); } catch (ObjectDisposedException) { }
    }

    public void Dispose()
    {
        Arm.Dispose();
        Persistence?.Dispose();
        Stop();
        _stopping.Dispose();
    }

    /// <summary>The emulator's clock (without the issuer's skew).</summary>
    public DateTimeOffset UtcNow => Options.TimeProvider.GetUtcNow();

    /// <summary>Back to the state the emulator was built with; clears the request log and the token cache.</summary>
    public void Reset()
    {
        State.Load(Options.InitialState);
        Arm.Reset();
        Arm.Deletions.RecoverInterrupted(State);
        Requests.Clear();
        Tokens.ClearCache();
        AzureCli?.Clear();
        Faults.Clear();
        foreach (var rule in Options.InitialFaults) Faults.Add(rule);
    }
}
