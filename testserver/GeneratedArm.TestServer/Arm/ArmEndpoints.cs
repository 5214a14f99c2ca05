using GeneratedArm.TestServer.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GeneratedArm.TestServer.Arm;

/// <summary>
/// Azure Resource Manager at <c>https://management.azure.com</c>. Route templates are matched case-insensitively
/// (real SDKs send <c>resourcegroups</c>); every handler goes through <see cref="ArmPipeline.Handle"/>.
/// Add resource types as new files with their own <c>Map…</c> method, called from here.
/// </summary>
internal static class ArmEndpoints
{
    public static IEndpointRouteBuilder MapArm(this IEndpointRouteBuilder endpoints)
    {
        var runtime = endpoints.ServiceProvider.GetRequiredService<EmulatorRuntime>();
        var subscription = endpoints.MapGroup("/subscriptions/{subscriptionId}");
        subscription.MapResourceGroups(runtime);
        return endpoints;
    }
}
