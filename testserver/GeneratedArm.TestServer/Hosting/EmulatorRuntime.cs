using GeneratedArm.TestServer.Identity;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Hosting;

/// <summary>One emulator's services: options, state, token issuer, request log. Registered as a singleton; endpoints capture it.</summary>
internal sealed class EmulatorRuntime
{
    public EmulatorRuntime(EmulatorOptions options)
    {
        Options = options;
        State = new EmulatorState(options.InitialState);
        Tokens = new TokenIssuer(options);
    }

    public EmulatorOptions Options { get; }
    public EmulatorState State { get; }
    public TokenIssuer Tokens { get; }
    public RequestLog Requests { get; } = new();

    /// <summary>The emulator's clock (without the issuer's skew).</summary>
    public DateTimeOffset UtcNow => Options.TimeProvider.GetUtcNow();

    /// <summary>Back to the state the emulator was built with; clears the request log and the token cache.</summary>
    public void Reset()
    {
        State.Load(Options.InitialState);
        Requests.Clear();
        Tokens.ClearCache();
    }
}
