using System.Text.Json.Serialization;

namespace GeneratedArm.TestServer.Faults;

/// <summary>Which requests a fault rule applies to.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FaultTarget>))]
public enum FaultTarget
{
    /// <summary><c>/metadata/identity/oauth2/token</c>.</summary>
    ImdsToken,
    /// <summary><c>/metadata/instance…</c>.</summary>
    ImdsInstance,
    /// <summary>Any IMDS path (<c>/metadata/…</c> except ARM's <c>/metadata/endpoints</c>).</summary>
    Imds,
    /// <summary>ARM (<c>/subscriptions/…</c>, <c>/providers/…</c>, <c>/tenants</c>, <c>/metadata/endpoints</c>…), filtered by <see cref="FaultRule.Method"/> and <see cref="FaultRule.PathPattern"/>.</summary>
    Arm,
    /// <summary>OpenID discovery and JWKS.</summary>
    Entra,
    /// <summary>Every request (except the admin API, which is never faulted).</summary>
    Any,
}

/// <summary>What a firing rule does.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FaultEffectKind>))]
public enum FaultEffectKind
{
    /// <summary>Answer with <see cref="FaultEffect.StatusCode"/>, <see cref="FaultEffect.Body"/> and optional <c>Retry-After</c>.</summary>
    Status,
    /// <summary>Wait <see cref="FaultEffect.Delay"/>, then answer normally.</summary>
    Delay,
    /// <summary>Never answer (until the client gives up or the emulator stops).</summary>
    Hang,
    /// <summary>Abort the connection without a response.</summary>
    Abort,
}

/// <summary>When a matching rule fires.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FaultTriggerKind>))]
public enum FaultTriggerKind
{
    /// <summary>Every matching request.</summary>
    Always,
    /// <summary>The first <see cref="FaultTrigger.Count"/> matching requests.</summary>
    FirstN,
    /// <summary>Every <see cref="FaultTrigger.Count"/>-th matching request (the N-th, 2N-th…).</summary>
    EveryNth,
    /// <summary>Each matching request with <see cref="FaultTrigger.Probability"/>, drawn from a generator seeded with <see cref="FaultTrigger.Seed"/> (runs repeat).</summary>
    Probability,
}

/// <summary>The effect of a rule.</summary>
public sealed record FaultEffect
{
    public FaultEffectKind Kind { get; init; } = FaultEffectKind.Status;
    public int StatusCode { get; init; } = 500;
    /// <summary>Response body (JSON unless <see cref="ContentType"/> says otherwise). Null: the target's usual error body for the status.</summary>
    public string? Body { get; init; }
    public string ContentType { get; init; } = "application/json; charset=utf-8";
    /// <summary>Sent as <c>Retry-After</c> in whole seconds.</summary>
    public TimeSpan? RetryAfter { get; init; }
    public TimeSpan Delay { get; init; }
    /// <summary>Extra response headers.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public static FaultEffect Status(int statusCode, string? body = null, TimeSpan? retryAfter = null) =>
        new() { Kind = FaultEffectKind.Status, StatusCode = statusCode, Body = body, RetryAfter = retryAfter };

    public static FaultEffect Slow(TimeSpan delay) => new() { Kind = FaultEffectKind.Delay, Delay = delay };

    public static FaultEffect Hang() => new() { Kind = FaultEffectKind.Hang };

    public static FaultEffect Abort() => new() { Kind = FaultEffectKind.Abort };
}

/// <summary>When a rule fires.</summary>
public sealed record FaultTrigger
{
    public FaultTriggerKind Kind { get; init; } = FaultTriggerKind.Always;
    public int Count { get; init; } = 1;
    public double Probability { get; init; } = 1;
    public int Seed { get; init; }

    public static FaultTrigger Always { get; } = new();

    public static FaultTrigger FirstN(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return new() { Kind = FaultTriggerKind.FirstN, Count = count };
    }

    public static FaultTrigger EveryNth(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return new() { Kind = FaultTriggerKind.EveryNth, Count = n };
    }

    public static FaultTrigger WithProbability(double probability, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(probability, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1);
        return new() { Kind = FaultTriggerKind.Probability, Probability = probability, Seed = seed };
    }
}

/// <summary>
/// A fault injection rule: requests matching <see cref="Target"/> (and, for ARM, <see cref="Method"/>/<see cref="PathPattern"/>)
/// get <see cref="Effect"/> when <see cref="Trigger"/> fires, until the rule expires (<see cref="Duration"/> after it was added,
/// or after <see cref="MaxFirings"/> firings). Rules are data: the same JSON shape goes through the admin API.
/// </summary>
public sealed record FaultRule
{
    /// <summary>Unique name (generated when empty); used to remove the rule.</summary>
    public string Name { get; init; } = "";
    public FaultTarget Target { get; init; } = FaultTarget.Any;
    /// <summary>HTTP method to match (any when null).</summary>
    public string? Method { get; init; }
    /// <summary>Path pattern to match, case-insensitive; <c>*</c> matches within a segment, <c>**</c> across segments (any when null).</summary>
    public string? PathPattern { get; init; }
    public FaultEffect Effect { get; init; } = FaultEffect.Status(500);
    public FaultTrigger Trigger { get; init; } = FaultTrigger.Always;
    /// <summary>The rule expires this long after it is added.</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>The rule expires after firing this many times.</summary>
    public int? MaxFirings { get; init; }
}
