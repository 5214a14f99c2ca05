using GeneratedArm.TestServer.Admin;
using GeneratedArm.TestServer.Arm;
using GeneratedArm.TestServer.DevMachine;
using GeneratedArm.TestServer.Entra;
using GeneratedArm.TestServer.Faults;
using GeneratedArm.TestServer.Imds;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GeneratedArm.TestServer.Hosting;

/// <summary>
/// The composition root shared by the in-process emulator (TestServer) and the standalone one (Kestrel):
/// the same services, middleware and endpoints; only the server differs.
/// </summary>
internal static class EmulatorApplication
{
    public static WebApplication Build(EmulatorRuntime runtime, Action<WebApplicationBuilder> configureHost)
    {
        // The empty builder: no configuration files, no logging providers, no hosting extras — it starts in milliseconds.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(EmulatorApplication).Assembly.GetName().Name });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(runtime);
        // No console lifetime: in-process emulators must not hook Ctrl+C/SIGTERM, and the standalone program handles signals itself.
        builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();
        configureHost(builder);

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            long recorded = runtime.Requests.Record(context, runtime.UtcNow);
            try
            {
                await next(context).ConfigureAwait(false);
                runtime.Requests.Complete(recorded, context.RequestAborted.IsCancellationRequested ? 0 : context.Response.StatusCode);
            }
            catch
            {
                runtime.Requests.Complete(recorded, 0);
                throw;
            }
        });

        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(AdminEndpoints.Prefix, StringComparison.OrdinalIgnoreCase)
                && runtime.Faults.Evaluate(context, out var target) is { } effect
                && !await FaultResponder.ApplyAsync(context, effect, target, runtime.Options.TimeProvider, runtime.Stopping).ConfigureAwait(false))
            {
                return;
            }
            await next(context).ConfigureAwait(false);
        });

        app.MapImds();
        app.MapAppServiceIdentity();
        if (runtime.Options.ServeArm)
        {
            app.MapEntra();
            app.MapArm();
        }
        if (runtime.Options.AdminApi) app.MapAdmin();
        return app;
    }
}

/// <summary>A host lifetime that does nothing (no signal handlers).</summary>
internal sealed class PassiveLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
