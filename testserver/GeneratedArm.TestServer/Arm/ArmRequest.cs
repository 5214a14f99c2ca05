using System.Text.Json;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.Rbac;
using GeneratedArm.TestServer.State;
using Microsoft.AspNetCore.Http;

namespace GeneratedArm.TestServer.Arm;

/// <summary>
/// One ARM request after the gateway's checks (headers set, caller authenticated, api-version valid, not throttled, authorized).
/// Handlers answer through it.
/// </summary>
internal sealed class ArmRequest(HttpContext context, EmulatorRuntime runtime, ArmCaller caller, ArmTarget target, string apiVersion)
{
    public HttpContext Context { get; } = context;
    public EmulatorRuntime Runtime { get; } = runtime;
    public EmulatorState State => Runtime.State;
    public ArmOptions Options => Runtime.Options.Arm;
    public ArmCaller Caller { get; } = caller;
    public ArmTarget Target { get; } = target;
    public string ApiVersion { get; } = apiVersion;
    public string Method => Context.Request.Method;
    public IQueryCollection Query => Context.Request.Query;

    /// <summary>The request's own base URL (<c>https://management.azure.com</c> in-process, the listener's URL standalone): links point back at it.</summary>
    public string BaseUrl => $"{Context.Request.Scheme}://{Context.Request.Host.ToUriComponent()}";

    /// <summary>Whether the caller may perform <paramref name="action"/> at <paramref name="scope"/> (always, with enforcement off).</summary>
    public bool IsAllowed(string action, string scope) =>
        !Options.EnforceRbac || RbacEvaluator.IsAllowed(State, Caller.ObjectId, action, scope);

    /// <summary>RBAC check: true when allowed; otherwise writes ARM's 403 <c>AuthorizationFailed</c> and returns false.</summary>
    public async Task<bool> AuthorizeAsync(string action, string scope)
    {
        if (IsAllowed(action, scope)) return true;
        await WriteErrorAsync(ArmErrors.AuthorizationFailed(Caller, action, scope)).ConfigureAwait(false);
        return false;
    }

    public Task WriteJsonAsync(int status, Action<Utf8JsonWriter> body)
    {
        if (HttpMethods.IsHead(Method))
        {
            Context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        return JsonResponse.WriteAsync(Context.Response, status, body);
    }

    public Task WriteErrorAsync(ArmError error) => ArmErrors.WriteAsync(Context, error);

    public void NoContent(int status) => Context.Response.StatusCode = status;

    /// <summary>
    /// Reads the JSON body: null after writing ARM's error for an oversized body (413), a non-JSON media type (415), or content that
    /// is not a JSON object (400 <c>InvalidRequestContent</c>). An empty body reads as an undefined element when <paramref name="allowEmpty"/>.
    /// </summary>
    public async Task<JsonElement?> ReadJsonObjectAsync(bool allowEmpty = false)
    {
        var request = Context.Request;
        long max = Options.MaxRequestBodyBytes;
        if (request.ContentLength is { } declared && declared > max)
        {
            await WriteErrorAsync(ArmErrors.ContentTooLarge(max)).ConfigureAwait(false);
            return null;
        }
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, Context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max)
            {
                await WriteErrorAsync(ArmErrors.ContentTooLarge(max)).ConfigureAwait(false);
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
        {
            if (allowEmpty) return default(JsonElement);
            await WriteErrorAsync(ArmErrors.ContentEmpty()).ConfigureAwait(false);
            return null;
        }
        if (request.ContentType is { Length: > 0 } contentType && !IsJson(contentType))
        {
            await WriteErrorAsync(ArmErrors.MediaTypeUnsupported(contentType.Split(';')[0].Trim())).ConfigureAwait(false);
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                await WriteErrorAsync(ArmErrors.ContentNotAnObject(document.RootElement.ValueKind.ToString())).ConfigureAwait(false);
                return null;
            }
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(ArmErrors.ContentInvalid(e.Message)).ConfigureAwait(false);
            return null;
        }
    }

    private static bool IsJson(string contentType)
    {
        string media = contentType.Split(';')[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/json", StringComparison.OrdinalIgnoreCase);
    }
}
