using System.CommandLine;
using GeneratedArm.Identity;

namespace GeneratedArm.Cli.Commands;

/// <summary>
/// <c>--client-id</c>, <c>--object-id</c> and <c>--msi-res-id</c>: which user-assigned identity to use.
/// IMDS accepts at most one of them; none means the VM's system-assigned identity.
/// </summary>
internal sealed class IdentityOptions
{
    private readonly Option<string?> _clientId = new("--client-id") { Description = "Client id of a user-assigned identity." };
    private readonly Option<string?> _objectId = new("--object-id") { Description = "Object (principal) id of a user-assigned identity." };
    private readonly Option<string?> _resourceId = new("--msi-res-id") { Description = "Azure resource id of a user-assigned identity." };

    public void AddTo(Command command)
    {
        command.Options.Add(_clientId);
        command.Options.Add(_objectId);
        command.Options.Add(_resourceId);
        command.Validators.Add(result =>
        {
            var given = new[] { _clientId, _objectId, _resourceId }
                .Where(option => result.GetResult(option) is not null)
                .Select(option => option.Name)
                .ToArray();
            if (given.Length > 1)
            {
                result.AddError($"Give at most one of --client-id, --object-id and --msi-res-id (got {string.Join(", ", given)}).");
            }
        });
    }

    public ManagedIdentityId Resolve(ParseResult parse)
    {
        if (parse.GetValue(_clientId) is { } clientId)
        {
            return ManagedIdentityId.FromClientId(clientId);
        }

        if (parse.GetValue(_objectId) is { } objectId)
        {
            return ManagedIdentityId.FromObjectId(objectId);
        }

        return parse.GetValue(_resourceId) is { } resourceId
            ? ManagedIdentityId.FromResourceId(resourceId)
            : ManagedIdentityId.SystemAssigned;
    }
}
