using System.Globalization;
using GeneratedArm.TestServer.Hosting;
using Microsoft.AspNetCore.Http;

namespace GeneratedArm.TestServer.Arm;

/// <summary>
/// One ARM error answer: status, ARM's code and message, and the gateway headers that go with it
/// (<c>x-ms-failure-cause: gateway</c> for the gateway's 401/403, ARM's <c>WWW-Authenticate</c> challenge for 401s).
/// </summary>
internal sealed record ArmError(int Status, string Code, string Message)
{
    /// <summary>The challenge's <c>error_description</c> (401s only); the gateway adds the tenant's <c>authorization_uri</c>.</summary>
    public string? ChallengeDescription { get; init; }

    /// <summary>Sets <c>x-ms-failure-cause: gateway</c> (ARM sends it on its own 401/403 answers, facts §2.2).</summary>
    public bool FromGateway { get; init; }

    /// <summary>The envelope's <c>target</c>: the property in error, as a JSON path (azure-resource-manager-rpc common-api-details.md).</summary>
    public string? Target { get; init; }

    /// <summary>The envelope's <c>details</c>: one error per problem when there are several.</summary>
    public IReadOnlyList<ArmError>? Details { get; init; }
}

/// <summary>
/// Every error the emulator's ARM answers, as named factories in one place (status, code, message), and the writer of ARM's envelope
/// <c>{"error":{"code","message"}}</c> (azure-resource-manager-rpc common-api-details.md). Each factory cites where its wording comes
/// from; the ones without a source are the emulator's best reading of ARM (status class right, wording may differ; unverified).
/// </summary>
internal static class ArmErrors
{
    private const string DeserializePrefix = "The request content was invalid and could not be deserialized: ";
    private const string ResourceNotFoundFix = "For more details please go to https://aka.ms/ARMResourceNotFoundFix";
    private const string GroupNamingRestrictions = "For more details, visit http://aka.ms/ResourceGroupNamingRestrictions";

    // ---- authentication (401, facts §2.2) ----------------------------------------------------------

    public static ArmError AuthorizationHeaderMissing() => Unauthenticated("AuthenticationFailed",
        "Authentication failed. The 'Authorization' header is missing.",
        "The authentication failed because of missing 'Authorization' header.");

    public static ArmError AuthorizationHeaderMalformed() => Unauthenticated("AuthenticationFailed",
        "Authentication failed. The 'Authorization' header is provided in an invalid format.",
        "The authentication failed because of invalid 'Authorization' header.");

    public static ArmError TokenInvalid() => Unauthenticated("InvalidAuthenticationToken",
        "The access token is invalid.", "The access token is invalid.");

    /// <summary>Verbatim shape (JetBrains/azure-tools-for-intellij#16).</summary>
    public static ArmError TokenAudienceWrong(string audience, IEnumerable<string> allowed) => Unauthenticated("InvalidAuthenticationTokenAudience",
        $"The access token has been obtained for wrong audience or resource '{audience}'. It should exactly match with one of the allowed audiences {string.Join(',', allowed.Select(x => $"'{x}'"))}.",
        "The access token has been obtained from wrong audience or resource.");

    /// <summary>hashicorp/terraform-provider-azurerm#20867: "The access token expiry UTC time '3/19/2023 8:55:46 AM' is earlier than current UTC time '…'."</summary>
    public static ArmError TokenExpired(DateTime expiresUtc, DateTime nowUtc) => Unauthenticated("ExpiredAuthenticationToken",
        $"The access token expiry UTC time '{TokenTime(expiresUtc)}' is earlier than current UTC time '{TokenTime(nowUtc)}'.",
        "The access token expiry UTC time is earlier than current UTC time.");

    public static ArmError TokenNotYetValid(DateTime validFromUtc, DateTime nowUtc) => Unauthenticated("InvalidAuthenticationToken",
        $"The access token is not yet valid. Its validity starts at UTC time '{TokenTime(validFromUtc)}' which is later than current UTC time '{TokenTime(nowUtc)}'.",
        "The access token is not yet valid.");

    /// <summary>Azure/azure-sdk-for-java#1714.</summary>
    public static ArmError TokenWithoutPrincipal() => Unauthenticated("InvalidAuthenticationToken",
        "The received access token is not valid: at least one of the claims 'puid' or 'altsecid' or 'oid' should be present. If you are accessing as application please make sure service principal is properly created in the tenant.",
        "The access token is invalid.");

    /// <summary>The token's tenant must be the subscription's (ARM's <c>InvalidAuthenticationTokenTenant</c>, facts §2.2).</summary>
    public static ArmError TokenTenantWrong(string tokenTenantId, string subscriptionTenantId) => Unauthenticated("InvalidAuthenticationTokenTenant",
        $"The access token is from the wrong issuer '{Identity.Issuers.V1(tokenTenantId)}'. It must match the tenant '{Identity.Issuers.V1(subscriptionTenantId)}' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/{subscriptionTenantId}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.",
        "The access token is from the wrong issuer. It must match the tenant associated with this subscription. Please use correct authority to get the token.");

    // ---- authorization, throttling ------------------------------------------------------------------

    /// <summary>
    /// 403 <c>AuthorizationFailed</c>. ARM prints action and scope with lower-case <c>resourcegroups</c> (Azure/azure-cli#29802, #32165).
    /// </summary>
    public static ArmError AuthorizationFailed(ArmCaller caller, string action, string scope)
    {
        string shownAction = action.Replace("/resourceGroups/", "/resourcegroups/", StringComparison.OrdinalIgnoreCase);
        string shownScope = scope.Replace("/resourceGroups/", "/resourcegroups/", StringComparison.OrdinalIgnoreCase);
        return new(403, "AuthorizationFailed",
            $"The client '{caller.AppId ?? caller.ObjectId}' with object id '{caller.ObjectId}' does not have authorization to perform action '{shownAction}' over scope '{shownScope}' or the scope is invalid. If access was recently granted, please refresh your credentials.")
        { FromGateway = true };
    }

    /// <summary>velero-io/velero#9171 (ARM's current message); <c>TenantRequestsThrottled</c> at tenant level.</summary>
    public static ArmError RequestsThrottled(bool tenantLevel, string kindName, string scopeId, string principalId, long retryAfterSeconds)
    {
        string level = tenantLevel ? "tenant" : "subscription";
        return new(429, tenantLevel ? "TenantRequestsThrottled" : "SubscriptionRequestsThrottled",
            $"Number of '{kindName}' requests for {level} '{scopeId}' actor '{principalId}' exceeded. Please try again after '{retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.");
    }

    // ---- gateway: api-version, routing, subscription -----------------------------------------------

    /// <summary>MicrosoftDocs/feedback#2279.</summary>
    public static ArmError ApiVersionMissing() => new(400, "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.");

    /// <summary>ARM's message (Azure/azure-cli#28038): "The api-version '…' is invalid. The supported versions are '…'." (newest first).</summary>
    public static ArmError ApiVersionInvalid(string version, IReadOnlyList<string>? supported) => new(400, "InvalidApiVersionParameter",
        supported is null
            ? $"The api-version '{version}' is invalid. The api-version must be of the form 'yyyy-MM-dd' or 'yyyy-MM-dd-preview'."
            : $"The api-version '{version}' is invalid. The supported versions are '{string.Join(", ", supported)}'.");

    public static ArmError PathNotFound() => new(404, "NotFound",
        "The requested resource could not be found. Check the request path: the emulator serves subscriptions, resource groups, "
        + "generic resources under resource groups, operation results and Microsoft.Authorization role assignments and definitions.");

    /// <summary>ASP.NET Web API's message, which ARM returns for unsupported methods.</summary>
    public static ArmError MethodNotAllowed(string method) => new(405, "MethodNotAllowed",
        $"The requested resource does not support http method '{method}'.");

    public static ArmError SubscriptionNotFound(string subscriptionId) => new(404, "SubscriptionNotFound",
        $"The subscription '{subscriptionId}' could not be found.");

    /// <summary>ARM's 500 wording with its diagnostic ids (a last resort: bad input is answered with 4xx).</summary>
    public static ArmError InternalServerError(DateTimeOffset now, string requestId, string correlationId) => new(500, "InternalServerError",
        "Encountered internal server error. Diagnostic information: timestamp '" + now.ToString("yyyyMMddTHHmmssZ", CultureInfo.InvariantCulture)
        + "', subscription id '', tracking id '" + requestId + "', request correlation id '" + correlationId + "'.");

    // ---- request body ------------------------------------------------------------------------------

    /// <summary>ARM: "The request content was invalid and could not be deserialized: '&lt;parser message&gt;'."</summary>
    public static ArmError ContentInvalid(string reason) => new(400, "InvalidRequestContent", DeserializePrefix + $"'{reason}'.");

    public static ArmError ContentEmpty() => ContentInvalid("The request body is empty.");

    public static ArmError ContentNotAnObject(string kind) => ContentInvalid($"Expected a JSON object but found {kind}.");

    public static ArmError RequiredPropertyMissing(string property) => ContentInvalid($"Required property '{property}' not found in JSON.");

    /// <summary>
    /// ARM's code and message (Azure/azure-api-management-devops-resource-kit#594, Azure/ALZ-Bicep#833):
    /// "The request content size exceeds the maximum size of 4 MB." — with the configured limit.
    /// </summary>
    public static ArmError ContentTooLarge(long maxBytes) => new(413, "RequestContentTooLarge",
        $"The request content size exceeds the maximum size of {FormatSize(maxBytes)}.");

    /// <summary>ARM accepts only JSON bodies (emulator wording).</summary>
    public static ArmError MediaTypeUnsupported(string mediaType) => new(415, "UnsupportedMediaType",
        $"The content media type '{mediaType}' is not supported. Only 'application/json' is supported.");

    // ---- query strings -----------------------------------------------------------------------------

    public static ArmError FilterUnsupported(string filter, string supported) => new(400, "InvalidFilterInQueryString",
        $"The filter '{filter}' is not supported. Supported: {supported}.");

    /// <summary>Role assignments and definitions answer unsupported filters with <c>UnsupportedQuery</c>.</summary>
    public static ArmError QueryUnsupported(string filter, string supported) => new(400, "UnsupportedQuery",
        $"The filter '{filter}' is not supported. Supported filters: {supported}.");

    public static ArmError TopInvalid(string top) => new(400, "InvalidTopInQueryString",
        $"The value '{top}' of query parameter '$top' is invalid: it must be a positive integer.");

    public static ArmError SkipTokenInvalid(string token) => new(400, "InvalidSkipToken", $"The skip token '{token}' is invalid.");

    // ---- resource groups ---------------------------------------------------------------------------

    public static ArmError ResourceGroupNotFound(string name) => new(404, "ResourceGroupNotFound", $"Resource group '{name}' could not be found.");

    /// <summary>409, message as in Azure/azure-cli#21121 and #28679.</summary>
    public static ArmError ResourceGroupBeingDeleted(string name) => new(409, "ResourceGroupBeingDeleted",
        $"The resource group '{name}' is in deprovisioning state and cannot perform this operation.");

    public static ArmError ResourceGroupNameTooLong(string name) => new(400, "InvalidResourceGroup",
        $"The provided resource group name '{name}' is {name.Length} characters long. The name can be at most 90 characters long.");

    /// <summary>ARM's message for bad characters (microsoft/microsoft-foundry-for-vscode#53).</summary>
    public static ArmError ResourceGroupNameCharactersInvalid(string name, string invalid) => new(400, "InvalidResourceGroup",
        $"The provided resource group name '{name}' has these invalid characters: '{invalid}'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'. {GroupNamingRestrictions}");

    public static ArmError ResourceGroupNameEndsWithPeriod(string name) => new(400, "InvalidResourceGroup",
        $"The provided resource group name '{name}' ends with a period. The name cannot end with a period. {GroupNamingRestrictions}");

    public static ArmError LocationRequired() => new(400, "LocationRequired", "The location property is required for this definition.");

    public static ArmError LocationNotAvailable(string location, IEnumerable<string> available) => new(400, "LocationNotAvailableForResourceGroup",
        $"The provided location '{location}' is not available for resource group. List of available regions is '{string.Join(',', available)}'.");

    /// <summary>Azure/azure-cli#22242 (message); 409 Conflict as in trailofbits/algo#1814.</summary>
    public static ArmError ResourceGroupLocationConflict(string location, string existingLocation) => new(409, "InvalidResourceGroupLocation",
        $"Invalid resource group location '{location}'. The Resource group already exists in location '{existingLocation}'.");

    public static ArmError OperationNotFound(string operation) => new(404, "OperationNotFound", $"The operation '{operation}' could not be found.");

    // ---- tags (ARM's limits: names up to 512 characters, values up to 256, at most 50; learn.microsoft.com tag-resources) ----

    public static ArmError TagsNotAnObject() => ContentInvalid("tags must be an object of string values.");

    public static ArmError TagValueNotAString(string tag) => ContentInvalid($"the value of tag '{tag}' must be a string.");

    public static ArmError TagInvalid(string tag) => new(400, "InvalidTag",
        $"The tag '{tag}' is invalid: tag names can have at most 512 characters and values at most 256.");

    public static ArmError TagCountExceeded(int count) => new(400, "InvalidTagCount", $"The number of tags {count} exceeds the maximum of 50.");

    // ---- generic resources -------------------------------------------------------------------------

    /// <summary>"The Resource 'Microsoft.Network/dnszones/example.com' under resource group 'rg1' was not found." (facts §3.1)</summary>
    public static ArmError ResourceNotFound(string shortPath, string resourceGroup) => new(404, "ResourceNotFound",
        $"The Resource '{shortPath}' under resource group '{resourceGroup}' was not found. {ResourceNotFoundFix}");

    /// <summary>Azure/azure-powershell#19200.</summary>
    public static ArmError ParentResourceNotFound(string shortPath) => new(404, "ParentResourceNotFound",
        $"Can not perform requested operation on nested resource. Parent resource '{shortPath}' not found.");

    public static ArmError ResourceNameInvalid(string name) => new(400, "InvalidResourceName",
        $"The resource name '{name}' is invalid. It must be 1-260 characters long, must not end with a period and must not contain '<', '>', '%', '&', '\\', '?', '/' or control characters.");

    // ---- role assignments and definitions ----------------------------------------------------------

    public static ArmError RoleDefinitionDoesNotExist(int status, string id) => new(status, "RoleDefinitionDoesNotExist",
        $"The specified role definition with ID '{id}' does not exist.");

    public static ArmError RoleAssignmentNotFound(string name) => new(404, "RoleAssignmentNotFound", $"The role assignment '{name}' is not found.");

    /// <summary>Azure/azure-sdk-for-python#4621.</summary>
    public static ArmError RoleAssignmentIdInvalid(string name) => new(400, "InvalidRoleAssignmentId",
        $"The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID.");

    /// <summary>Azure/azure-powershell#16627: "The Principal ID 'User' is not valid. Principal ID must be a GUID."</summary>
    public static ArmError PrincipalIdInvalid(string? principalId) => new(400, "InvalidPrincipalId",
        $"The Principal ID '{principalId}' is not valid. Principal ID must be a GUID.");

    public static ArmError RoleAssignmentUpdateNotPermitted() => new(400, "RoleAssignmentUpdateNotPermitted",
        "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");

    /// <summary>409, message as in pulumi/pulumi-azure#121 and ansible-collections/azure#145.</summary>
    public static ArmError RoleAssignmentExists() => new(409, "RoleAssignmentExists", "The role assignment already exists.");

    // ---- resource types learned from specs (Arm/Providers) ---------------------------------------------

    /// <summary>
    /// 400 <c>InvalidRequestContent</c>: ARM's code when a body does not fit the resource's model — a missing required property and a
    /// value of the wrong type both surface with it ("The request content was invalid and could not be deserialized: 'Required
    /// property 'server' not found in JSON. Path 'properties.imageRegistryCredentials[0]'…'", MicrosoftDocs container-instances
    /// troubleshooting; "Could not find member … Path 'properties.template.type'", azure-docs issues). The first problem is the error and
    /// its <c>target</c>, every problem is in <c>details</c>; the messages are the emulator's (unverified wording).
    /// </summary>
    public static ArmError BodyDoesNotFitModel(IReadOnlyList<(string Target, string Message)> problems) =>
        new(400, "InvalidRequestContent", "The request content was invalid: " + problems[0].Message)
        {
            Target = problems[0].Target,
            Details = [.. problems.Select(p => new ArmError(400, "InvalidRequestContent", p.Message) { Target = p.Target })],
        };

    /// <summary>405 for a method the spec does not declare for the type in this api-version (ASP.NET Web API's message, as ARM's).</summary>
    public static ArmError MethodNotAllowedInApiVersion(string method, string apiVersion) => new(405, "MethodNotAllowed",
        $"The requested resource does not support http method '{method}' in api-version '{apiVersion}'.");

    /// <summary>
    /// 400 <c>NoRegisteredProviderFound</c>: ARM's answer when a provider type does not support the api-version — "No registered resource
    /// provider found for location 'eastus' and API version '2023-11-01' for type 'networkInterfaces'. The supported api-versions are
    /// '2014-12-01-preview, 2015-05-01-preview, …'. The supported locations are '…'." (Azure/azure-cli#28496, pulumi/pulumi-azure-nextgen#170,
    /// facts §3.1).
    /// </summary>
    public static ArmError NoRegisteredProviderFound(string location, string apiVersion, string shortType, IEnumerable<string> versions, IEnumerable<string> locations) =>
        new(400, "NoRegisteredProviderFound",
            $"No registered resource provider found for location '{location}' and API version '{apiVersion}' for type '{shortType}'. "
            + $"The supported api-versions are '{string.Join(", ", versions)}'. The supported locations are '{string.Join(", ", locations)}'.");

    /// <summary>404 for an operation-status URL the emulator never issued (the emulator's wording; unverified).</summary>
    public static ArmError OperationStatusNotFound() => new(404, "OperationNotFound",
        "The operation could not be found. Operation ids come from the Azure-AsyncOperation and Location headers of a long-running request.");

    /// <summary>A failed long-running operation at its <c>Location</c> URL: its error with 400 (RPC: a 4xx/5xx with the error; status unverified).</summary>
    public static ArmError OperationFailed(string code, string message) => new(400, code, message);

    // ---- writing -------------------------------------------------------------------------------------

    /// <summary>
    /// Writes the error: its gateway headers, then the envelope (status only for HEAD). A 401's challenge carries the subscription's
    /// tenant in <c>authorization_uri</c> when the request names a subscription (facts §2.2).
    /// </summary>
    public static Task WriteAsync(HttpContext context, ArmError error, string? challengeTenantId = null)
    {
        var headers = context.Response.Headers;
        if (error.FromGateway) headers["x-ms-failure-cause"] = "gateway";
        if (error.ChallengeDescription is { } description)
            headers.WWWAuthenticate = $"Bearer authorization_uri=\"https://login.windows.net/{challengeTenantId}\", error=\"invalid_token\", error_description=\"{description}\"";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = error.Status;
            return Task.CompletedTask;
        }
        return JsonResponse.WriteAsync(context.Response, error.Status, w =>
        {
            w.WriteStartObject();
            WriteErrorObject(w, "error", error);
            w.WriteEndObject();
        });
    }

    /// <summary>Writes <c>"name": {"code","message"[,"target"][,"details"]}</c> (also the error of a failed operation's status).</summary>
    public static void WriteErrorObject(System.Text.Json.Utf8JsonWriter w, string name, ArmError error)
    {
        w.WriteStartObject(name);
        WriteErrorMembers(w, error);
        w.WriteEndObject();
    }

    private static void WriteErrorMembers(System.Text.Json.Utf8JsonWriter w, ArmError error)
    {
        w.WriteString("code", error.Code);
        w.WriteString("message", error.Message);
        if (error.Target is { } target) w.WriteString("target", target);
        if (error.Details is { } details)
        {
            w.WriteStartArray("details");
            foreach (var detail in details)
            {
                w.WriteStartObject();
                WriteErrorMembers(w, detail);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
    }

    private static ArmError Unauthenticated(string code, string message, string challengeDescription) =>
        new(401, code, message) { ChallengeDescription = challengeDescription, FromGateway = true };

    private static string TokenTime(DateTime utc) => utc.ToString("M/d/yyyy h:mm:ss tt", CultureInfo.InvariantCulture);

    private static string FormatSize(long bytes) =>
        bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MB" : bytes % 1024 == 0 ? $"{bytes / 1024} KB" : $"{bytes} bytes";
}
