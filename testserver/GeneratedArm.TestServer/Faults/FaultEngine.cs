using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.Imds;
using Microsoft.AspNetCore.Http;

namespace GeneratedArm.TestServer.Faults;

/// <summary>The active fault rules of one emulator and the middleware step that applies them.</summary>
internal sealed class FaultEngine(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly List<ActiveRule> _rules = [];
    private int _generated;
    // The rule count, readable without the lock: with no rules (the usual case) a request pays one volatile read.
    private volatile int _ruleCount;

    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (_gate)
            {
                Expire(clock.GetUtcNow());
                return _rules.ConvertAll(r => r.Rule);
            }
        }
    }

    /// <summary>Adds a rule (replacing one with the same name) and returns it with its name filled in.</summary>
    public FaultRule Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_gate)
        {
            if (string.IsNullOrEmpty(rule.Name)) rule = rule with { Name = "rule-" + (++_generated).ToString(CultureInfo.InvariantCulture) };
            string name = rule.Name;
            _rules.RemoveAll(r => r.Rule.Name == name);
            _rules.Add(new ActiveRule(rule, clock.GetUtcNow()));
            _ruleCount = _rules.Count;
            return rule;
        }
    }

    public bool Remove(string name)
    {
        lock (_gate)
        {
            bool removed = _rules.RemoveAll(r => r.Rule.Name == name) > 0;
            _ruleCount = _rules.Count;
            return removed;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
            _ruleCount = 0;
        }
    }

    /// <summary>
    /// The effect to apply to this request, or null. Rules are tried in the order they were added; the first that fires wins, and
    /// later rules neither see nor count that request — so <c>ImdsThrottled(2)</c> then a <c>FirstN(1)</c> 410 rule gives 429, 429, 410, 200.
    /// </summary>
    public FaultEffect? Evaluate(HttpContext context, out FaultTarget target)
    {
        if (_ruleCount == 0)
        {
            target = FaultTarget.Any;
            return null;
        }
        target = Classify(context.Request.Path);
        lock (_gate)
        {
            Expire(clock.GetUtcNow());
            foreach (var active in _rules)
            {
                if (!Matches(active, target, context.Request)) continue;
                if (!active.Fires()) continue;
                active.Firings++;
                var effect = active.Rule.Effect;
                Expire(clock.GetUtcNow());
                return effect;
            }
        }
        return null;
    }

    private void Expire(DateTimeOffset now)
    {
        _rules.RemoveAll(r => (r.Rule.Duration is { } d && now - r.AddedAt >= d) || (r.Rule.MaxFirings is { } max && r.Firings >= max)
            || (r.Rule.Trigger.Kind == FaultTriggerKind.FirstN && r.Matched >= r.Rule.Trigger.Count));
        _ruleCount = _rules.Count;
    }

    internal static FaultTarget Classify(PathString path)
    {
        string p = path.Value ?? "";
        if (p.StartsWith("/metadata/identity/oauth2/token", StringComparison.OrdinalIgnoreCase)) return FaultTarget.ImdsToken;
        if (p.StartsWith("/metadata/instance", StringComparison.OrdinalIgnoreCase)) return FaultTarget.ImdsInstance;
        if (p.StartsWith("/metadata/endpoints", StringComparison.OrdinalIgnoreCase)) return FaultTarget.Arm;
        if (p.StartsWith("/metadata", StringComparison.OrdinalIgnoreCase)) return FaultTarget.Imds;
        if (p.Contains("/.well-known/", StringComparison.OrdinalIgnoreCase) || p.Contains("/discovery/", StringComparison.OrdinalIgnoreCase)) return FaultTarget.Entra;
        return FaultTarget.Arm;
    }

    private static bool Matches(ActiveRule active, FaultTarget target, HttpRequest request)
    {
        var rule = active.Rule;
        bool targetOk = rule.Target switch
        {
            FaultTarget.Any => true,
            FaultTarget.Imds => target is FaultTarget.Imds or FaultTarget.ImdsToken or FaultTarget.ImdsInstance,
            _ => rule.Target == target,
        };
        if (!targetOk) return false;
        if (rule.Method is { } m && !string.Equals(m, request.Method, StringComparison.OrdinalIgnoreCase)) return false;
        if (active.PathRegex is { } regex && !regex.IsMatch(request.Path.Value ?? "")) return false;
        return true;
    }

    internal static bool PathMatches(string pattern, string path) => PathRegex(pattern).IsMatch(path);

    /// <summary>The rule's path pattern as a regular expression: <c>*</c> one segment, <c>**</c> any run, an optional trailing slash.</summary>
    internal static Regex PathRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '*')
            {
                bool doubleStar = i + 1 < pattern.Length && pattern[i + 1] == '*';
                regex.Append(doubleStar ? ".*" : "[^/]*");
                if (doubleStar) i++;
            }
            else
            {
                regex.Append(Regex.Escape(pattern[i].ToString()));
            }
        }
        regex.Append("/?$");
        return new Regex(regex.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private sealed class ActiveRule(FaultRule rule, DateTimeOffset addedAt)
    {
        private readonly Random? _random = rule.Trigger.Kind == FaultTriggerKind.Probability ? new Random(rule.Trigger.Seed) : null;
        public FaultRule Rule { get; } = rule;
        /// <summary>The path pattern, built once per rule rather than per request.</summary>
        public Regex? PathRegex { get; } = rule.PathPattern is { } pattern ? FaultEngine.PathRegex(pattern) : null;
        public DateTimeOffset AddedAt { get; } = addedAt;
        public int Matched { get; private set; }
        public int Firings { get; set; }

        public bool Fires()
        {
            Matched++;
            var trigger = Rule.Trigger;
            return trigger.Kind switch
            {
                FaultTriggerKind.Always => true,
                FaultTriggerKind.FirstN => Matched <= trigger.Count,
                FaultTriggerKind.EveryNth => Matched % trigger.Count == 0,
                FaultTriggerKind.Probability => _random!.NextDouble() < trigger.Probability,
                _ => false,
            };
        }
    }
}

/// <summary>Applies fault effects to responses.</summary>
internal static class FaultResponder
{
    /// <summary>Applies <paramref name="effect"/>; returns true when the request continues to its handler (Delay), false when answered.</summary>
    public static async Task<bool> ApplyAsync(HttpContext context, FaultEffect effect, FaultTarget target, TimeProvider clock, CancellationToken stopping)
    {
        switch (effect.Kind)
        {
            case FaultEffectKind.Delay:
                // On the emulator's clock, so tests with a FakeTimeProvider need no real sleeps.
                await Task.Delay(effect.Delay, clock, context.RequestAborted).ConfigureAwait(false);
                return true;
            case FaultEffectKind.Hang:
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping))
                {
                    try { await Task.Delay(Timeout.Infinite, linked.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) { }
                }
                context.Abort();
                return false;
            case FaultEffectKind.Abort:
                context.Abort();
                return false;
            default:
                var response = context.Response;
                response.StatusCode = effect.StatusCode;
                if (target is FaultTarget.Imds or FaultTarget.ImdsToken or FaultTarget.ImdsInstance) ImdsRules.AddHeaders(response);
                else response.Headers["x-ms-request-id"] = RequestIds.New();
                if (effect.RetryAfter is { } retryAfter)
                    response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                foreach (var (name, value) in effect.Headers) response.Headers[name] = value;
                string body = effect.Body ?? DefaultBody(effect.StatusCode, target);
                response.ContentType = effect.ContentType;
                byte[] bytes = Encoding.UTF8.GetBytes(body);
                response.ContentLength = bytes.Length;
                await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
                return false;
        }
    }

    private static string DefaultBody(int status, FaultTarget target) => target switch
    {
        FaultTarget.Imds or FaultTarget.ImdsToken or FaultTarget.ImdsInstance =>
            $$"""{"error":"{{ImdsErrorCode(status)}}","error_description":"Injected fault: HTTP {{status}}"}""",
        _ => $$$"""{"error":{"code":"{{{ArmErrorCode(status)}}}","message":"Injected fault: HTTP {{{status}}}"}}""",
    };

    // IMDS error codes from imds.json IdentityErrorResponse.error.
    private static string ImdsErrorCode(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized_client",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        429 => "too_many_requests",
        503 => "service_unavailable",
        _ => "server_error",
    };

    private static string ArmErrorCode(int status) => status switch
    {
        429 => "TooManyRequests",
        500 => "InternalServerError",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => "InjectedFault",
    };
}
