using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace GeneratedArm.TestServer.Arm;

/// <summary>
/// <c>Microsoft.Resources/resourceGroups</c> (azure-rest-api-specs resources.json). Answers from <see cref="EmulatorState"/>.
/// </summary>
internal static class ResourceGroupEndpoints
{
    public const string ReadAction = "Microsoft.Resources/subscriptions/resourceGroups/read";

    public static RouteGroupBuilder MapResourceGroups(this RouteGroupBuilder subscription, EmulatorRuntime runtime)
    {
        subscription.MapGet("/resourceGroups/{resourceGroupName}", ArmPipeline.Handle(runtime, GetAsync));
        return subscription;
    }

    private static async Task GetAsync(ArmRequest request)
    {
        string subscriptionId = request.Route("subscriptionId");
        string name = request.Route("resourceGroupName");
        // ARM authorizes at the gateway before looking anything up: a caller without read access gets 403, even for a missing group.
        string scope = $"/subscriptions/{subscriptionId}/resourceGroups/{name}";
        if (!await request.AuthorizeAsync(ReadAction, scope).ConfigureAwait(false)) return;

        if (request.State.FindSubscription(subscriptionId) is null)
        {
            await request.WriteErrorAsync(404, "SubscriptionNotFound", $"The subscription '{subscriptionId}' could not be found.").ConfigureAwait(false);
            return;
        }
        var group = request.State.FindResourceGroup(subscriptionId, name);
        if (group is null)
        {
            await request.WriteErrorAsync(404, "ResourceGroupNotFound", $"Resource group '{name}' could not be found.").ConfigureAwait(false);
            return;
        }
        await request.WriteJsonAsync(200, w => ArmJson.WriteResourceGroup(w, group)).ConfigureAwait(false);
    }
}

/// <summary>ARM's JSON shapes.</summary>
internal static class ArmJson
{
    /// <summary><c>{"id","name","type","location",["tags"],"properties":{"provisioningState"}}</c>; <c>id</c> uses camel-case <c>resourceGroups</c>.</summary>
    public static void WriteResourceGroup(System.Text.Json.Utf8JsonWriter w, ResourceGroupInfo group)
    {
        w.WriteStartObject();
        w.WriteString("id", group.Id);
        w.WriteString("name", group.Name);
        w.WriteString("type", "Microsoft.Resources/resourceGroups");
        w.WriteString("location", group.Location);
        if (group.Tags.Count > 0)
        {
            w.WriteStartObject("tags");
            foreach (var (k, v) in group.Tags) w.WriteString(k, v);
            w.WriteEndObject();
        }
        w.WriteStartObject("properties");
        w.WriteString("provisioningState", group.ProvisioningState);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
