namespace GeneratedArm.Identity;

/// <summary>How a user-assigned identity is selected in an IMDS token request.</summary>
public enum ManagedIdentityIdKind
{
    /// <summary>The VM's system-assigned identity (no selector is sent).</summary>
    SystemAssigned,

    /// <summary>A user-assigned identity selected by its client (application) id: query parameter <c>client_id</c>.</summary>
    ClientId,

    /// <summary>A user-assigned identity selected by its object (principal) id: query parameter <c>object_id</c>.</summary>
    ObjectId,

    /// <summary>A user-assigned identity selected by its Azure resource id: query parameter <c>msi_res_id</c>.</summary>
    ResourceId,
}

/// <summary>
/// Which managed identity to request tokens for: the system-assigned one, or a user-assigned one selected by
/// client id, object id or resource id (the three selectors IMDS accepts, mutually exclusive).
/// </summary>
public sealed class ManagedIdentityId : IEquatable<ManagedIdentityId>
{
    private ManagedIdentityId(ManagedIdentityIdKind kind, string? value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>The VM's system-assigned identity.</summary>
    public static ManagedIdentityId SystemAssigned { get; } = new(ManagedIdentityIdKind.SystemAssigned, null);

    /// <summary>How the identity is selected.</summary>
    public ManagedIdentityIdKind Kind { get; }

    /// <summary>The selector's value; <see langword="null"/> for the system-assigned identity.</summary>
    public string? Value { get; }

    /// <summary>A user-assigned identity selected by its client (application) id.</summary>
    /// <param name="clientId">The identity's client id (a GUID).</param>
    public static ManagedIdentityId FromClientId(string clientId) => new(ManagedIdentityIdKind.ClientId, Require(clientId, nameof(clientId)));

    /// <summary>A user-assigned identity selected by its object (principal) id.</summary>
    /// <param name="objectId">The identity's object id (a GUID).</param>
    public static ManagedIdentityId FromObjectId(string objectId) => new(ManagedIdentityIdKind.ObjectId, Require(objectId, nameof(objectId)));

    /// <summary>A user-assigned identity selected by its Azure resource id.</summary>
    /// <param name="resourceId">e.g. <c>/subscriptions/…/resourceGroups/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/name</c>.</param>
    public static ManagedIdentityId FromResourceId(string resourceId) => new(ManagedIdentityIdKind.ResourceId, Require(resourceId, nameof(resourceId)));

    /// <summary>The IMDS query parameter name for this selector, or <see langword="null"/> for system-assigned.</summary>
    internal string? QueryParameterName => Kind switch
    {
        ManagedIdentityIdKind.ClientId => "client_id",
        ManagedIdentityIdKind.ObjectId => "object_id",
        ManagedIdentityIdKind.ResourceId => "msi_res_id",
        _ => null,
    };

    /// <summary>A plain-language description, e.g. <c>the user-assigned identity with client id 1234</c>.</summary>
    internal string Describe() => Kind switch
    {
        ManagedIdentityIdKind.ClientId => $"the user-assigned identity with client id '{Value}'",
        ManagedIdentityIdKind.ObjectId => $"the user-assigned identity with object id '{Value}'",
        ManagedIdentityIdKind.ResourceId => $"the user-assigned identity with resource id '{Value}'",
        _ => "the system-assigned identity",
    };

    /// <inheritdoc />
    public bool Equals(ManagedIdentityId? other) =>
        other is not null && Kind == other.Kind && string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ManagedIdentityId);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(Value));

    /// <inheritdoc />
    public override string ToString() => Kind == ManagedIdentityIdKind.SystemAssigned ? "SystemAssigned" : $"{Kind}={Value}";

    private static string Require(string value, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        return value;
    }
}
