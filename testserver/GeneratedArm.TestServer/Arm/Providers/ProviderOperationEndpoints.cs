using System.Globalization;
using System.Text.RegularExpressions;

namespace GeneratedArm.TestServer.Arm.ProviderSpecs;

/// <summary>
/// The URLs a long-running operation hands out (azure-resource-manager-rpc v1.0/async-api-reference.md; facts §3.4), in the shape
/// providers use: <c>Azure-AsyncOperation: {arm}/subscriptions/{s}/providers/{ns}/locations/{location}/operationStatuses/{id}?api-version=…</c>
/// answers 200 with <c>{"id","name","status":"InProgress|Succeeded|Failed","startTime","endTime","error"}</c>;
/// <c>Location: …/operationResults/{id}?api-version=…</c> answers 202 (empty, <c>Location</c> and <c>Retry-After</c> again) while it
/// runs, then the final result: the resource (PUT/PATCH), 204 (DELETE), the action's answer (POST), or the failure's error.
/// Both are absolute URLs with <c>Retry-After</c> in seconds.
/// </summary>
internal static partial class ProviderOperationEndpoints
{
    [GeneratedRegex(@"^/subscriptions/(?<s>[^/]+)/providers/(?<ns>[^/]+)/locations/(?<loc>[^/]+)/(?<kind>operationStatuses|operationResults)/(?<id>[^/]+)/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OperationPath();

    public static Match? Parse(string path) => OperationPath().Match(path) is { Success: true } m ? m : null;

    /// <summary>
    /// Sets <c>Azure-AsyncOperation</c>, <c>Location</c> and <c>Retry-After</c>. Both URLs are sent whatever <c>final-state-via</c>
    /// says: clients poll <c>Azure-AsyncOperation</c> for the status and read the final result where the spec tells them to.
    /// </summary>
    public static void SetHeaders(ArmRequest request, string operationId)
    {
        var t = request.Target;
        string ns = t.ResourceType![..t.ResourceType!.IndexOf('/', StringComparison.Ordinal)];
        string location = Location(request);
        string prefix = $"{request.BaseUrl}/subscriptions/{t.SubscriptionId}/providers/{ns}/locations/{location}";
        string query = "?api-version=" + Uri.EscapeDataString(request.ApiVersion);
        var headers = request.Context.Response.Headers;
        headers["Azure-AsyncOperation"] = $"{prefix}/operationStatuses/{operationId}{query}";
        headers.Location = $"{prefix}/operationResults/{operationId}{query}";
        headers.RetryAfter = request.Options.OperationRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
    }

    public static async Task GetAsync(ArmRequest request)
    {
        var match = Parse(request.Context.Request.Path.Value ?? "")!;
        string id = match.Groups["id"].Value;
        var status = request.Runtime.Arm.ProviderOperations.Poll(request.State, id);
        if (status is null)
        {
            await request.WriteErrorAsync(ArmErrors.OperationStatusNotFound()).ConfigureAwait(false);
            return;
        }
        if (match.Groups["kind"].Value.Equals("operationStatuses", StringComparison.OrdinalIgnoreCase))
        {
            await request.WriteJsonAsync(200, w =>
            {
                w.WriteStartObject();
                w.WriteString("id", request.Context.Request.Path.Value);
                w.WriteString("name", id);
                w.WriteString("status", status.Status);
                if (status.StartTime is { } start) w.WriteString("startTime", start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                if (status.EndTime is { } end) w.WriteString("endTime", end.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                if (status.ErrorCode is { } code) ArmErrors.WriteErrorObject(w, "error", ArmErrors.OperationFailed(code, status.ErrorMessage ?? code));
                w.WriteEndObject();
            }).ConfigureAwait(false);
            return;
        }
        await ResultAsync(request, status).ConfigureAwait(false);
    }

    private static async Task ResultAsync(ArmRequest request, ProviderOperationStatus status)
    {
        if (status.Status == "InProgress")
        {
            var http = request.Context.Request;
            request.Context.Response.Headers.Location = request.BaseUrl + http.Path.ToUriComponent() + http.QueryString.ToUriComponent();
            request.Context.Response.Headers.RetryAfter = request.Options.OperationRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            request.NoContent(202);
            return;
        }
        if (status.ErrorCode is { } code)
        {
            await request.WriteErrorAsync(ArmErrors.OperationFailed(code, status.ErrorMessage ?? code)).ConfigureAwait(false);
            return;
        }
        switch (status.Kind)
        {
            case ProviderOperationKind.Write when request.State.FindResource(status.ResourceId) is { } resource:
                await request.WriteJsonAsync(200, w => Resources.GenericResources.WriteFull(w, resource)).ConfigureAwait(false);
                break;
            case ProviderOperationKind.Action:
                await ProviderResources.WriteActionResultAsync(request, status.ResultStatus, status.Result).ConfigureAwait(false);
                break;
            default:
                request.NoContent(204);
                break;
        }
    }

    /// <summary>The resource's location (normalized), else its group's: operation URLs are regional in ARM.</summary>
    private static string Location(ArmRequest request)
    {
        var t = request.Target;
        var resource = request.State.FindResource(t.Kind == ArmTargetKind.Resource ? t.Id : t.ParentId!);
        if (resource is not null && resource.Body.TryGetProperty("location", out var l) && l.ValueKind == System.Text.Json.JsonValueKind.String)
            return Resources.ResourceGroups.NormalizeLocation(l.GetString()!);
        return request.State.FindResourceGroup(t.SubscriptionId!, t.ResourceGroup!)?.Location ?? TutorialDefaults.Location;
    }
}
