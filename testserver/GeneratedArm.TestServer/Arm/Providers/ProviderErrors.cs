using System.Text.Json;

namespace GeneratedArm.TestServer.Arm.ProviderSpecs;

/// <summary>
/// The errors of resource types learned from specs, in ARM's envelope <c>{"error":{"code","message","target","details"}}</c>
/// (azure-resource-manager-rpc v1.0/common-api-details.md "Error Response Content": <c>target</c> is "the target of the particular
/// error", e.g. the property in error).
/// </summary>
internal static class ProviderErrors
{
    /// <summary>
    /// 400 <c>InvalidRequestContent</c>: ARM's code when a body does not fit the resource's model — a missing required property and a
    /// value of the wrong type both surface with it ("The request content was invalid and could not be deserialized: 'Required
    /// property 'server' not found in JSON. Path 'properties.imageRegistryCredentials[0]'…'", MicrosoftDocs container-instances
    /// troubleshooting; "Could not find member … Path 'properties.template.type'", azure-docs issues). The first problem is the error,
    /// every problem is in <c>details</c>; messages are the emulator's (unverified wording).
    /// </summary>
    public static Task InvalidBodyAsync(ArmRequest request, IReadOnlyList<BodyError> errors) =>
        request.WriteJsonAsync(400, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("code", "InvalidRequestContent");
            w.WriteString("message", "The request content was invalid: " + errors[0].Message);
            w.WriteString("target", errors[0].Target);
            w.WriteStartArray("details");
            foreach (var e in errors)
            {
                w.WriteStartObject();
                w.WriteString("code", "InvalidRequestContent");
                w.WriteString("message", e.Message);
                w.WriteString("target", e.Target);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        });

    /// <summary>400 <c>LocationRequired</c> for a tracked resource without <c>location</c> (as the emulator answers for resource groups; unverified wording).</summary>
    public static Task LocationRequiredAsync(ArmRequest request) =>
        request.WriteErrorAsync(400, "LocationRequired", "The location property is required for this definition.", "location");

    /// <summary>404 <c>ParentResourceNotFound</c> (Azure/azure-powershell#19200), as generic nested resources answer.</summary>
    public static Task ParentResourceNotFoundAsync(ArmRequest request, string parentId) =>
        request.WriteErrorAsync(404, "ParentResourceNotFound",
            $"Can not perform requested operation on nested resource. Parent resource '{Resources.GenericResources.ShortPath(parentId)}' not found.");

    /// <summary>404 <c>ResourceNotFound</c> (facts §3.1).</summary>
    public static Task ResourceNotFoundAsync(ArmRequest request, string id) =>
        request.WriteErrorAsync(404, "ResourceNotFound",
            $"The Resource '{Resources.GenericResources.ShortPath(id)}' under resource group '{request.Target.ResourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");

    /// <summary>405 for a method the spec does not declare for the type in this api-version (ASP.NET Web API's message, as ARM's).</summary>
    public static Task MethodNotAllowedAsync(ArmRequest request) =>
        request.WriteErrorAsync(405, "MethodNotAllowed",
            $"The requested resource does not support http method '{request.Method}' in api-version '{request.ApiVersion}'.");

    /// <summary>
    /// 400 <c>NoRegisteredProviderFound</c>: ARM's answer when a provider type does not support the api-version — "No registered resource
    /// provider found for location 'eastus' and API version '2023-11-01' for type 'networkInterfaces'. The supported api-versions are
    /// '2014-12-01-preview, 2015-05-01-preview, …'. The supported locations are '…'." (Azure/azure-cli#28496, pulumi/pulumi-azure-nextgen#170,
    /// facts §3.1). Versions oldest first as in current traces; the location is the resource group's (for subscription-wide lists the
    /// emulator's default location — unverified).
    /// </summary>
    public static Task NoRegisteredProviderFoundAsync(ArmRequest request, SpecResourceType type)
    {
        var t = request.Target;
        string location = t.ResourceGroup is { } group && request.State.FindResourceGroup(t.SubscriptionId!, group) is { } g ? g.Location : TutorialDefaults.Location;
        string shortType = type.Type[(type.Type.IndexOf('/', StringComparison.Ordinal) + 1)..];
        return request.WriteErrorAsync(400, "NoRegisteredProviderFound",
            $"No registered resource provider found for location '{location}' and API version '{request.ApiVersion}' for type '{shortType}'. "
            + $"The supported api-versions are '{string.Join(", ", type.VersionList.Reverse())}'. The supported locations are '{string.Join(", ", Resources.Providers.Locations.Select(Resources.ResourceGroups.NormalizeLocation))}'.");
    }

    /// <summary>404 for an operation-status URL the emulator never issued (the emulator's wording; unverified).</summary>
    public static Task OperationNotFoundAsync(ArmRequest request) =>
        request.WriteErrorAsync(404, "OperationNotFound", "The operation could not be found. Operation ids come from the Azure-AsyncOperation and Location headers of a long-running request.");

    /// <summary>The error object of a failed long-running operation (<see cref="ProvisioningFailure"/>).</summary>
    public static void WriteError(Utf8JsonWriter w, string code, string message)
    {
        w.WriteStartObject("error");
        w.WriteString("code", code);
        w.WriteString("message", message);
        w.WriteEndObject();
    }

    /// <summary>The failed operation's answer at its <c>Location</c> URL: the error with 400 (RPC: a failed operation's Location returns a 4xx/5xx with the error; status code unverified).</summary>
    public static Task OperationFailedAsync(ArmRequest request, string code, string message) => request.WriteErrorAsync(400, code, message);
}
