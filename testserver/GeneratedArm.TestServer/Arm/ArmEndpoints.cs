using System.Globalization;
using GeneratedArm.TestServer.Admin;
using GeneratedArm.TestServer.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GeneratedArm.TestServer.Arm;

/// <summary>
/// Azure Resource Manager at <c>https://management.azure.com</c>: every path under <c>/subscriptions</c> and <c>/providers</c> goes
/// through <see cref="ArmGateway"/>, which parses it (<see cref="ArmTarget"/>) and dispatches (<see cref="ArmRoutes"/>) — ARM's
/// paths nest scopes (<c>{scope}/providers/Microsoft.Authorization/roleAssignments</c>) in ways route templates cannot express.
/// Also the cloud metadata document (<c>/metadata/endpoints</c>) and the ARM side's admin calls under <c>/_emulator/arm</c>.
/// </summary>
internal static class ArmEndpoints
{
    public static IEndpointRouteBuilder MapArm(this IEndpointRouteBuilder endpoints)
    {
        var runtime = endpoints.ServiceProvider.GetRequiredService<EmulatorRuntime>();
        RequestDelegate gateway = context => ArmGateway.HandleAsync(context, runtime);
        endpoints.Map("/subscriptions", gateway);
        endpoints.Map("/tenants", gateway);
        endpoints.Map("/subscriptions/{**rest}", gateway);
        endpoints.Map("/providers/{**rest}", gateway);
        endpoints.Map("/metadata/endpoints", context => CloudMetadata.HandleAsync(context, runtime.UtcNow));

        if (runtime.Options.AdminApi)
        {
            // A token for the administrator principal (Owner on every subscription), for seeding a standalone emulator.
            endpoints.MapPost(AdminEndpoints.Prefix + "/arm/administrator-token", AdminEndpoints.Loopback(context =>
            {
                string tenant = context.Request.Query["tenantId"] is { Count: > 0 } t ? t.ToString()
                    : runtime.State.Tenants.Count > 0 ? runtime.State.Tenants[0].TenantId : TutorialDefaults.TenantId;
                var issued = runtime.Tokens.Issue(ArmAdministrator.Identity(tenant), "https://management.azure.com/", runtime.Tokens.Now, runtime.Options.TokenLifetime);
                return JsonResponse.WriteAsync(context.Response, 200, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("access_token", issued.AccessToken);
                    w.WriteString("expires_on", issued.ExpiresOn.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
                    w.WriteString("principalId", ArmAdministrator.PrincipalId);
                    w.WriteEndObject();
                });
            }));
        }
        return endpoints;
    }
}
