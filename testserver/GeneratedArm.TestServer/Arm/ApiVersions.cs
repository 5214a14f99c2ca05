using System.Text.RegularExpressions;

namespace GeneratedArm.TestServer.Arm;

/// <summary>
/// The api-versions ARM accepts per resource type. Unknown versions answer 400 <c>InvalidApiVersionParameter</c> listing these
/// (newest first, as ARM does — Azure/azure-cli#28038); <see cref="ArmOptions.AcceptAnyApiVersion"/> accepts any well-formed one.
/// Generic resources (any provider) accept any well-formed version: the emulator cannot know every provider's list.
/// </summary>
internal static partial class ApiVersions
{
    /// <summary><c>Microsoft.Resources</c> resource groups and resource lists: 2014-04-01 … 2025-04-01 (SDKs send 2016-06-01, 2021-04-01, 2022-09-01, 2025-04-01…).</summary>
    public static readonly IReadOnlyList<string> ResourceGroups =
    [
        "2025-04-01", "2025-03-01", "2024-11-01", "2024-07-01", "2024-03-01", "2023-07-01", "2022-09-01", "2021-04-01", "2021-01-01",
        "2020-10-01", "2020-08-01", "2020-06-01", "2019-10-01", "2019-08-01", "2019-07-01", "2019-05-10", "2019-05-01", "2019-03-01",
        "2018-05-01", "2018-02-01", "2017-08-01", "2017-06-01", "2017-05-10", "2016-09-01", "2016-07-01", "2016-06-01", "2016-02-01",
        "2015-11-01", "2015-01-01", "2014-04-01-preview", "2014-04-01",
    ];

    /// <summary>Subscriptions (<c>Microsoft.Resources/subscriptions</c>): the resource versions plus the subscription API's own (the .NET SDK sends 2022-12-01).</summary>
    public static readonly IReadOnlyList<string> Subscriptions =
    [
        .. new[] { "2022-12-01", "2022-01-01", "2021-01-01", "2020-01-01", "2019-11-01", "2019-06-01", "2018-06-01" }
            .Concat(ResourceGroups).Distinct().OrderByDescending(v => v, StringComparer.Ordinal),
    ];

    /// <summary><c>Microsoft.Authorization/roleAssignments</c> (the .NET SDK sends 2022-04-01).</summary>
    public static readonly IReadOnlyList<string> RoleAssignments =
    [
        "2022-04-01", "2022-01-01-preview", "2020-10-01-preview", "2020-08-01-preview", "2020-04-01-preview", "2020-03-01-preview",
        "2018-09-01-preview", "2018-01-01-preview", "2017-10-01-preview", "2015-07-01",
    ];

    /// <summary><c>Microsoft.Authorization/roleDefinitions</c>.</summary>
    public static readonly IReadOnlyList<string> RoleDefinitions =
    [
        "2022-05-01-preview", "2022-04-01", "2018-01-01-preview", "2015-07-01",
    ];

    /// <summary>ARM's api-version format: <c>yyyy-MM-dd</c>, optionally <c>-preview</c>, <c>-alpha</c>, <c>-beta</c>, <c>-rc</c>, <c>-privatepreview</c> (resource-api-reference.md).</summary>
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(-(preview|alpha|beta|rc|privatepreview))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    public static partial Regex WellFormed();

    /// <summary>True when <paramref name="version"/> is accepted for a type supporting <paramref name="supported"/> (null: any well-formed).</summary>
    public static bool IsAccepted(string version, IReadOnlyList<string>? supported, bool acceptAny)
    {
        if (!WellFormed().IsMatch(version)) return false;
        if (acceptAny || supported is null) return true;
        return supported.Contains(version, StringComparer.OrdinalIgnoreCase);
    }
}
