using System.CommandLine;
using GeneratedArm.Identity;

namespace GeneratedArm.Cli.Commands;

/// <summary><c>garm get</c>: steps 2 and 3 of the tutorial against real endpoints; prints ARM's response body.</summary>
internal static class GetCommand
{
    /// <summary>The tutorial's api-version for resource groups.</summary>
    public const string DefaultApiVersion = "2016-06-01";

    public static Command Create(CliConsole console)
    {
        var path = new Argument<string>("arm-path")
        {
            Description = "An ARM path, e.g. /subscriptions/<id>/resourceGroups/<name>",
        };
        path.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is null || !value.StartsWith('/') || value.Contains('?', StringComparison.Ordinal))
            {
                result.AddError($"'{value}' is not an ARM path: it starts with '/' and carries no query (use --api-version).");
            }
        });
        var apiVersion = new Option<string>("--api-version")
        {
            Description = "The api-version query parameter.",
            DefaultValueFactory = _ => DefaultApiVersion,
        };
        var resource = CommonOptions.Resource();
        var imds = CommonOptions.ImdsEndpoint();
        var arm = CommonOptions.ArmEndpoint();
        var timeout = CommonOptions.Timeout();
        var identity = new IdentityOptions();
        var command = new Command("get", "GET an ARM path with a managed-identity token and print the response body.")
        {
            path, apiVersion, resource, imds, arm, timeout,
        };
        identity.AddTo(command);

        command.SetAction((parse, cancellationToken) => Failures.ReportAsync(console, async () =>
        {
            var deadline = parse.GetValue(timeout);
            using var credential = new ManagedIdentityCredential(CredentialOptions.Create(parse.GetValue(imds), identity.Resolve(parse), deadline, console.Transport));
            var options = new ArmClientOptions
            {
                Endpoint = parse.GetValue(arm) ?? ArmClientOptions.DefaultEndpoint,
                Audience = parse.GetRequiredValue(resource),
                Transport = console.Transport,
            };
            if (deadline is { } overall)
            {
                options.Retry.OverallTimeout = overall;
            }

            using var client = new ArmClient(credential, options);
            var response = await client.SendAsync(HttpMethod.Get, parse.GetRequiredValue(path), parse.GetRequiredValue(apiVersion), cancellationToken: cancellationToken).ConfigureAwait(false);
            await console.Output.WriteLineAsync(response.ContentAsString()).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
