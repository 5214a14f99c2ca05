namespace GeneratedArm.TestServer.Faults;

/// <summary>
/// Ready-made rules for IMDS's real failure modes (how-to-use-vm-token.md "Error handling" and "Retry guidance";
/// instance-metadata-service.md "Errors and debugging") and ARM throttling.
/// </summary>
public static class FaultRules
{
    /// <summary>IMDS "is going through updates": 410 on the token endpoint for <paramref name="duration"/> (Azure says: available within 70 seconds).</summary>
    public static FaultRule ImdsUpdating(TimeSpan duration) => new()
    {
        Name = "imds-updating",
        Target = FaultTarget.ImdsToken,
        Effect = FaultEffect.Status(410, """{"error":"service_unavailable","error_description":"IMDS is updating. Retry after some time for a max of 70 seconds"}"""),
        Duration = duration,
    };

    /// <summary>IMDS throttling: 429 for the next <paramref name="count"/> token requests, with <c>Retry-After</c> when given.</summary>
    public static FaultRule ImdsThrottled(int count, TimeSpan? retryAfter = null) => new()
    {
        Name = "imds-throttled",
        Target = FaultTarget.ImdsToken,
        // The body real IMDS sends when it throttles (hashicorp/terraform-provider-azurerm#20901), as ImdsRules.WriteThrottledAsync does.
        Effect = FaultEffect.Status(429, """{"error":"invalid_request","error_description":"Temporarily throttled, too many requests"}""", retryAfter),
        Trigger = FaultTrigger.FirstN(count),
    };

    /// <summary>A newly assigned identity still propagating: 404 "Identity not found" for <paramref name="duration"/> (MSAL's retry spec retries it 1 s → 2 s → 4 s).</summary>
    public static FaultRule IdentityStillProvisioning(TimeSpan duration) => new()
    {
        Name = "identity-provisioning",
        Target = FaultTarget.ImdsToken,
        Effect = FaultEffect.Status(404, """{"error":"invalid_request","error_description":"Identity not found"}"""),
        Duration = duration,
    };

    /// <summary>A first token response slower than one second (cold IMDS); default 1.5 s.</summary>
    public static FaultRule SlowFirstResponse(TimeSpan? delay = null) => new()
    {
        Name = "slow-first-response",
        Target = FaultTarget.ImdsToken,
        Effect = FaultEffect.Slow(delay ?? TimeSpan.FromSeconds(1.5)),
        Trigger = FaultTrigger.FirstN(1),
    };

    /// <summary>ARM throttling: 429 <c>TooManyRequests</c> with <c>Retry-After</c> for the next <paramref name="count"/> ARM requests.</summary>
    public static FaultRule ArmThrottled(int count, TimeSpan retryAfter, string? method = null, string? pathPattern = null) => new()
    {
        Name = "arm-throttled",
        Target = FaultTarget.Arm,
        Method = method,
        PathPattern = pathPattern,
        Effect = FaultEffect.Status(429, """{"error":{"code":"TooManyRequests","message":"The request is being throttled as the limit has been reached for operation type. Please try again later."}}""", retryAfter),
        Trigger = FaultTrigger.FirstN(count),
    };
}
