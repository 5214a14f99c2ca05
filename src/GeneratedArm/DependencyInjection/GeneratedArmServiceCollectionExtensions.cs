using GeneratedArm;
using GeneratedArm.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers GeneratedArm's credential and ARM client in an <see cref="IServiceCollection"/>.</summary>
public static class GeneratedArmServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> that <see cref="ArmClient"/> gets from <c>IHttpClientFactory</c>.</summary>
    public const string HttpClientName = "GeneratedArm";

    /// <summary>
    /// Registers a singleton <see cref="ManagedIdentityCredential"/> (also as <see cref="TokenCredential"/>) and an
    /// <see cref="ArmClient"/>. The client's <see cref="HttpClient"/> comes from <c>IHttpClientFactory</c> under the name
    /// <see cref="HttpClientName"/> (configure it with <c>services.AddHttpClient(HttpClientName)…</c>), unless
    /// <see cref="ClientOptions.Transport"/> is set, in which case one client over that handler is shared.
    /// Loggers and the clock come from the container when the options leave them unset.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets credential and client options.</param>
    /// <returns>The builder for the named <see cref="HttpClient"/>.</returns>
    public static IHttpClientBuilder AddGeneratedArm(this IServiceCollection services, Action<GeneratedArmOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new GeneratedArmOptions();
        configure?.Invoke(options);

        services.TryAddSingleton(sp =>
        {
            var credentialOptions = options.Credential;
            credentialOptions.LoggerFactory ??= sp.GetService<ILoggerFactory>();
            if (ReferenceEquals(credentialOptions.TimeProvider, TimeProvider.System) && sp.GetService<TimeProvider>() is { } time)
            {
                credentialOptions.TimeProvider = time;
            }

            return new ManagedIdentityCredential(credentialOptions);
        });
        services.TryAddSingleton<TokenCredential>(sp => sp.GetRequiredService<ManagedIdentityCredential>());

        var builder = services.AddHttpClient(HttpClientName);
        ArmClientOptions ClientOptions(IServiceProvider sp)
        {
            var clientOptions = options.Client;
            clientOptions.LoggerFactory ??= sp.GetService<ILoggerFactory>();
            if (ReferenceEquals(clientOptions.TimeProvider, TimeProvider.System) && sp.GetService<TimeProvider>() is { } time)
            {
                clientOptions.TimeProvider = time;
            }

            return clientOptions;
        }

        if (options.Client.Transport is not null)
        {
            services.TryAddSingleton(sp => new ArmClient(sp.GetRequiredService<TokenCredential>(), ClientOptions(sp)));
        }
        else
        {
            // Factory clients are cheap and short-lived by design; the credential (and its token cache) is the singleton.
            services.TryAddTransient(sp => new ArmClient(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
                sp.GetRequiredService<TokenCredential>(),
                ClientOptions(sp)));
        }

        return builder;
    }
}
