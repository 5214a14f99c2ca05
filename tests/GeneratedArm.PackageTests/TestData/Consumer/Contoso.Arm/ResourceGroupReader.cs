using GeneratedArm;

namespace Contoso.Arm;

/// <summary>Library code over the models generated from specs/resources.json.</summary>
public static class ResourceGroupReader
{
    public const string ApiVersion = "2021-04-01";

    public static Task<ResourceGroup> GetAsync(ArmClient arm, string subscriptionId, string name, CancellationToken cancellationToken = default) =>
        arm.GetAsync<ResourceGroup>($"/subscriptions/{subscriptionId}/resourceGroups/{name}", ApiVersion, cancellationToken);

    /// <summary>Uses a model from common-types.json, which is listed only as a $ref target.</summary>
    public static string? ErrorCode(ErrorResponse response) => response.Error?.Code;
}
