using System.Text.Json.Nodes;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.State;
using Microsoft.AspNetCore.Http;

namespace GeneratedArm.TestServer.Imds;

/// <summary>
/// <c>GET /metadata/instance[/path…]</c>: the VM's compute and network metadata, all primitives strings
/// (instance-metadata-service.md); leaf paths need <c>format=text</c>.
/// </summary>
internal static class ImdsInstanceHandler
{
    public static async Task HandleAsync(HttpContext context, EmulatorRuntime runtime)
    {
        if (ImdsRules.RejectNonIdentityRequest(context, requireApiVersion: true) is { } rejected)
        {
            await rejected.ConfigureAwait(false);
            return;
        }
        var vm = runtime.State.ImdsVirtualMachine;
        if (vm is null)
        {
            await ImdsRules.WriteSimpleErrorAsync(context, 404, "Not found").ConfigureAwait(false);
            return;
        }

        JsonNode? node = Build(runtime.State, vm);
        string path = context.Request.RouteValues["path"]?.ToString() ?? "";
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node switch
            {
                JsonObject o => o.FirstOrDefault(p => string.Equals(p.Key, segment, StringComparison.OrdinalIgnoreCase)).Value,
                JsonArray a when int.TryParse(segment, out int i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
            if (node is null)
            {
                // "404 Not Found: The requested element doesn't exist" (instance-metadata-service.md). The body is a guess (unverified).
                await ImdsRules.WriteSimpleErrorAsync(context, 404, "Not found").ConfigureAwait(false);
                return;
            }
        }

        string format = context.Request.Query["format"].ToString();
        bool leaf = node is JsonValue;
        if (leaf && format != "text")
        {
            // "When filtering to a leaf node, format=json doesn't work … format=text needs to be explicitly specified"
            // (instance-metadata-service.md); 400 per its status table and MicrosoftDocs/azure-docs#15283. The body is a guess (unverified).
            await ImdsRules.WriteSimpleErrorAsync(context, 400, "Bad request. Query parameter format=text is required when querying a leaf node").ConfigureAwait(false);
            return;
        }
        if (format == "text")
        {
            string text = node switch
            {
                JsonValue v => v.GetValue<string>(),
                JsonObject o => string.Join('\n', o.Select(p => p.Key)),
                JsonArray a => string.Join('\n', Enumerable.Range(0, a.Count)),
                _ => "",
            };
            ImdsRules.AddHeaders(context.Response);
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(text).ConfigureAwait(false);
            return;
        }
        await ImdsRules.WriteAsync(context, 200, w => node!.WriteTo(w)).ConfigureAwait(false);
    }

    private static JsonObject Build(EmulatorState state, VirtualMachineInfo vm)
    {
        var tagsList = new JsonArray();
        foreach (var (name, value) in vm.Tags) tagsList.Add(new JsonObject { ["name"] = name, ["value"] = value });
        return new JsonObject
        {
            ["compute"] = new JsonObject
            {
                ["azEnvironment"] = "AzurePublicCloud",
                ["location"] = vm.Location,
                ["name"] = vm.Name,
                ["osType"] = vm.OsType,
                ["provider"] = "Microsoft.Compute",
                ["resourceGroupName"] = vm.ResourceGroup,
                ["resourceId"] = vm.Id,
                ["subscriptionId"] = vm.SubscriptionId,
                ["tags"] = string.Join(';', vm.Tags.Select(t => $"{t.Key}:{t.Value}")),
                ["tagsList"] = tagsList,
                ["vmId"] = vm.VmId,
                ["vmSize"] = vm.VmSize,
                ["zone"] = "",
            },
            ["network"] = new JsonObject
            {
                ["interface"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["ipv4"] = new JsonObject
                        {
                            ["ipAddress"] = new JsonArray { new JsonObject { ["privateIpAddress"] = vm.PrivateIpAddress, ["publicIpAddress"] = "" } },
                            ["subnet"] = new JsonArray { new JsonObject { ["address"] = "10.0.0.0", ["prefix"] = "24" } },
                        },
                        ["ipv6"] = new JsonObject { ["ipAddress"] = new JsonArray() },
                        ["macAddress"] = "000D3AF806EC",
                    },
                },
            },
        };
    }
}
