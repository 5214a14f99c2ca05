using GeneratedArm.TestServer.Faults;
using GeneratedArm.TestServer.Identity;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Hosting;

/// <summary>One emulator's services: options, state, token issuer, request log. Registered as a singleton; endpoints capture it.</summary>
internal sealed class EmulatorRuntime : IDisposable
{
    public EmulatorRuntime(EmulatorOptions options)
    {
        Options = options;
        State = new EmulatorState(options.InitialState);
        Tokens = new TokenIssuer(options);
        Faults = new FaultEngine(options.TimeProvider);
        foreach (var rule in options.InitialFaults) Faults.Add(rule);
    }

    public EmulatorOptions Options { get; }
    public EmulatorState State { get; }
    public TokenIssuer Tokens { get; }
    public RequestLog Requests { get; } = new();
    public FaultEngine Faults { get; }

    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled when the emulator stops (releases hanging requests).</summary>
    public CancellationToken Stopping => _stopping.Token;

    public void Stop()
    {
        try { _stopping.Cancel(); } catch (ObjectDisposedException) { }
    }

    public void Dispose()
    {
        Stop();
        _stopping.Dispose();
    }

    /// <summary>The emulator's clock (without the issuer's skew).</summary>
    public DateTimeOffset UtcNow => Options.TimeProvider.GetUtcNow();

    /// <summary>Back to the state the emulator was built with; clears the request log and the token cache.</summary>
    public void Reset()
    {
        State.Load(Options.InitialState);
        Requests.Clear();
        Tokens.ClearCache();
        Faults.Clear();
        foreach (var rule in Options.InitialFaults) Faults.Add(rule);
    }
}
