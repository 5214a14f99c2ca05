using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Arm.Resources;

/// <summary>
/// <c>Microsoft.Resources/resourceGroups</c> (azure-rest-api-specs resources.json, 2016-06-01 … 2021-04-01; facts §3.1, §3.4).
/// Names match case-insensitively and keep their creation casing.
/// </summary>
internal static partial class ResourceGroups
{
    public const string Type = "Microsoft.Resources/resourceGroups";
    private const string ReadAction = "Microsoft.Resources/subscriptions/resourceGroups/read";

    /// <summary>Azure's public regions (names as ARM normalizes them: lower case, no spaces).</summary>
    public static readonly IReadOnlyList<string> Locations =
    [
        "eastus", "eastus2", "southcentralus", "westus2", "westus3", "australiaeast", "southeastasia", "northeurope", "swedencentral",
        "uksouth", "westeurope", "centralus", "southafricanorth", "centralindia", "eastasia", "japaneast", "koreacentral", "canadacentral",
        "francecentral", "germanywestcentral", "italynorth", "norwayeast", "polandcentral", "spaincentral", "switzerlandnorth", "mexicocentral",
        "uaenorth", "brazilsouth", "israelcentral", "qatarcentral", "centralusstage", "eastusstage", "eastus2stage", "northcentralusstage",
        "southcentralusstage", "westusstage", "westus2stage", "asia", "asiapacific", "australia", "brazil", "canada", "europe", "france",
        "germany", "global", "india", "japan", "korea", "norway", "singapore", "southafrica", "switzerland", "uae", "uk", "unitedstates",
        "northcentralus", "westus", "japanwest", "centraluseuap", "eastus2euap", "westcentralus", "southafricawest", "australiacentral",
        "australiacentral2", "australiasoutheast", "jioindiacentral", "jioindiawest", "koreasouth", "southindia", "westindia", "canadaeast",
        "francesouth", "germanynorth", "norwaywest", "switzerlandwest", "ukwest", "uaecentral", "brazilsoutheast",
    ];

    // ---- GET / HEAD ---------------------------------------------------------------------------------------------------------

    public static async Task GetAsync(ArmRequest request)
    {
        var group = await FindOr404Async(request).ConfigureAwait(false);
        if (group is null) return;
        await request.WriteJsonAsync(200, w => Write(w, group)).ConfigureAwait(false);
    }

    /// <summary>HEAD: 204 when the group exists, 404 when not (resources.json ResourceGroups_CheckExistence), no body.</summary>
    public static Task HeadAsync(ArmRequest request)
    {
        var t = request.Target;
        request.NoContent(request.State.FindResourceGroup(t.SubscriptionId!, t.ResourceGroup!) is null ? 404 : 204);
        return Task.CompletedTask;
    }

    // ---- PUT ------------------------------------------------------------------------------------------------------------------

    public static async Task PutAsync(ArmRequest request)
    {
        var t = request.Target;
        if (!await ValidateNameAsync(request, t.ResourceGroup!).ConfigureAwait(false)) return;
        var body = await request.ReadJsonObjectAsync().ConfigureAwait(false);
        if (body is not { } json) return;

        if (!json.TryGetProperty("location", out var locationElement) || locationElement.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(locationElement.GetString()))
        {
            await request.WriteErrorAsync(ArmErrors.LocationRequired()).ConfigureAwait(false);
            return;
        }
        string location = NormalizeLocation(locationElement.GetString()!);
        if (!Locations.Contains(location))
        {
            await request.WriteErrorAsync(ArmErrors.LocationNotAvailable(locationElement.GetString()!, Locations)).ConfigureAwait(false);
            return;
        }
        var tags = await ReadTagsAsync(request, json).ConfigureAwait(false);
        if (tags.Failed) return;
        string? managedBy = json.TryGetProperty("managedBy", out var mb) && mb.ValueKind == JsonValueKind.String ? mb.GetString() : null;

        var existing = request.State.FindResourceGroup(t.SubscriptionId!, t.ResourceGroup!);
        if (existing is not null)
        {
            if (await RejectWhileDeletingAsync(request, existing).ConfigureAwait(false)) return;
            if (!string.Equals(existing.Location, location, StringComparison.OrdinalIgnoreCase))
            {
                await request.WriteErrorAsync(ArmErrors.ResourceGroupLocationConflict(location, existing.Location)).ConfigureAwait(false);
                return;
            }
        }
        var group = new ResourceGroupInfo(t.SubscriptionId!, existing?.Name ?? t.ResourceGroup!, existing?.Location ?? location)
        {
            Tags = tags.Tags ?? new Dictionary<string, string>(),
            ManagedBy = managedBy,
        };
        bool created = request.State.UpsertResourceGroup(group);
        group = request.State.FindResourceGroup(t.SubscriptionId!, t.ResourceGroup!) ?? group;
        await request.WriteJsonAsync(created ? 201 : 200, w => Write(w, group)).ConfigureAwait(false);
    }

    // ---- PATCH: "If a field is unspecified, the current value is retained" (ResourceGroupPatchable) ---------------------------

    public static async Task PatchAsync(ArmRequest request)
    {
        var existing = await FindOr404Async(request).ConfigureAwait(false);
        if (existing is null) return;
        var body = await request.ReadJsonObjectAsync().ConfigureAwait(false);
        if (body is not { } json) return;
        if (await RejectWhileDeletingAsync(request, existing).ConfigureAwait(false)) return;
        var tags = await ReadTagsAsync(request, json).ConfigureAwait(false);
        if (tags.Failed) return;
        var updated = existing with
        {
            Tags = tags.Tags ?? existing.Tags,
            ManagedBy = json.TryGetProperty("managedBy", out var mb) && mb.ValueKind == JsonValueKind.String ? mb.GetString() : existing.ManagedBy,
        };
        request.State.UpsertResourceGroup(updated);
        await request.WriteJsonAsync(200, w => Write(w, updated)).ConfigureAwait(false);
    }

    // ---- DELETE: 202 + Location (operation results) + Retry-After; the job deletes the contents (facts §3.4) ------------------

    public static async Task DeleteAsync(ArmRequest request)
    {
        var t = request.Target;
        var group = request.State.FindResourceGroup(t.SubscriptionId!, t.ResourceGroup!);
        if (group is null)
        {
            await request.WriteErrorAsync(ArmErrors.ResourceGroupNotFound(t.ResourceGroup!)).ConfigureAwait(false);
            return;
        }
        request.Runtime.Arm.Deletions.Start(request.State, group.SubscriptionId, group.Name);
        WriteAccepted(request, group);
    }

    /// <summary>Polls of <c>/subscriptions/{s}/operationresults/{token}</c>: 202 (same Location, Retry-After) while the job runs, then 200 with no body.</summary>
    public static async Task PollDeletionAsync(ArmRequest request)
    {
        var t = request.Target;
        if (!TryDecodeOperation(t.Name!, out string? groupName))
        {
            await request.WriteErrorAsync(ArmErrors.OperationNotFound(t.Name!)).ConfigureAwait(false);
            return;
        }
        if (request.Runtime.Arm.Deletions.Poll(request.State, t.SubscriptionId!, groupName!))
        {
            request.NoContent(200);
            return;
        }
        var group = request.State.FindResourceGroup(t.SubscriptionId!, groupName!);
        if (group is null)
        {
            request.NoContent(200);
            return;
        }
        WriteAccepted(request, group);
    }

    private static void WriteAccepted(ArmRequest request, ResourceGroupInfo group)
    {
        var response = request.Context.Response;
        response.StatusCode = 202;
        response.Headers.Location = $"{request.BaseUrl}/subscriptions/{group.SubscriptionId}/operationresults/{EncodeOperation(group)}?api-version={Uri.EscapeDataString(request.ApiVersion)}";
        response.Headers.RetryAfter = request.Options.OperationRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>ARM's token is base64 of <c>{"jobId":"RESOURCEGROUPDELETIONJOB-{NAME}-{LOCATION}","jobLocation":"{location}"}</c> (facts §3.4); the emulator adds the exact name.</summary>
    private static string EncodeOperation(ResourceGroupInfo group)
    {
        string json = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["jobId"] = $"RESOURCEGROUPDELETIONJOB-{group.Name.ToUpperInvariant()}-{group.Location.ToUpperInvariant()}",
            ["jobLocation"] = group.Location,
            ["resourceGroup"] = group.Name,
        });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static bool TryDecodeOperation(string token, out string? groupName)
    {
        groupName = null;
        try
        {
            string b64 = token.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            using var doc = JsonDocument.Parse(Convert.FromBase64String(b64));
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("resourceGroup", out var name) && name.ValueKind == JsonValueKind.String)
                groupName = name.GetString();
        }
        catch (FormatException) { }
        catch (JsonException) { }
        return !string.IsNullOrEmpty(groupName);
    }

    // ---- list: $filter on tags, $top, nextLink ----------------------------------------------------------------------------------

    public static async Task ListAsync(ArmRequest request)
    {
        var (ok, offset, pageSize) = await ArmPaging.ReadAsync(request).ConfigureAwait(false);
        if (!ok) return;
        Func<ResourceGroupInfo, bool> filter = _ => true;
        if (request.Query["$filter"] is { Count: > 0 } filterText && !string.IsNullOrWhiteSpace(filterText))
        {
            var parsed = TagFilter().Match(filterText.ToString().Trim());
            if (!parsed.Success)
            {
                await request.WriteErrorAsync(ArmErrors.FilterUnsupported(filterText.ToString(), "tagName eq '<name>' [and tagValue eq '<value>']")).ConfigureAwait(false);
                return;
            }
            string tagName = parsed.Groups["name"].Value.Replace("''", "'", StringComparison.Ordinal);
            string? tagValue = parsed.Groups["value"].Success ? parsed.Groups["value"].Value.Replace("''", "'", StringComparison.Ordinal) : null;
            filter = g => g.Tags.Any(kv => string.Equals(kv.Key, tagName, StringComparison.OrdinalIgnoreCase)
                && (tagValue is null || string.Equals(kv.Value, tagValue, StringComparison.Ordinal)));
        }
        string subscriptionId = request.Target.SubscriptionId!;
        // ARM lists what the caller may read: a caller with Reader on one group sees that group only.
        var groups = request.State.ListResourceGroups(subscriptionId)
            .Where(filter)
            .Where(g => request.IsAllowed(ReadAction, g.Id))
            .ToList();
        await ArmPaging.WritePageAsync(request, groups, offset, pageSize, Write).ConfigureAwait(false);
    }

    [GeneratedRegex(@"^tagName\s+eq\s+'(?<name>(?:[^']|'')*)'(?:\s+and\s+tagValue\s+eq\s+'(?<value>(?:[^']|'')*)')?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TagFilter();

    // ---- helpers ----------------------------------------------------------------------------------------------------------------

    private static async Task<ResourceGroupInfo?> FindOr404Async(ArmRequest request)
    {
        var t = request.Target;
        var group = request.State.FindResourceGroup(t.SubscriptionId!, t.ResourceGroup!);
        if (group is null)
            await request.WriteErrorAsync(ArmErrors.ResourceGroupNotFound(t.ResourceGroup!)).ConfigureAwait(false);
        return group;
    }

    private static async Task<bool> RejectWhileDeletingAsync(ArmRequest request, ResourceGroupInfo group)
    {
        if (!string.Equals(group.ProvisioningState, "Deleting", StringComparison.OrdinalIgnoreCase)) return false;
        await request.WriteErrorAsync(ArmErrors.ResourceGroupBeingDeleted(group.Name)).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// ARM's rule (resources.json: 1–90 characters matching <c>^[-\w\._\(\)]+$</c>, not ending in a period). ARM's message for bad
    /// characters (code <c>InvalidResourceGroup</c>, microsoft/microsoft-foundry-for-vscode#53): "The provided resource group name '…' has
    /// these invalid characters: '…'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'."
    /// </summary>
    internal static async Task<bool> ValidateNameAsync(ArmRequest request, string name)
    {
        ArmError? problem = null;
        if (name.Length > 90)
            problem = ArmErrors.ResourceGroupNameTooLong(name);
        else if (name.Where(c => !IsAllowedNameChar(c)).Distinct().ToArray() is { Length: > 0 } bad)
            problem = ArmErrors.ResourceGroupNameCharactersInvalid(name, new string(bad));
        else if (name.EndsWith('.'))
            problem = ArmErrors.ResourceGroupNameEndsWithPeriod(name);
        if (problem is null) return true;
        await request.WriteErrorAsync(problem).ConfigureAwait(false);
        return false;
    }

    // \w in .NET (and ARM's pattern) is Unicode letters, digits and connector punctuation.
    private static bool IsAllowedNameChar(char c) =>
        char.IsLetterOrDigit(c) || c is '-' or '.' or '_' or '(' or ')' || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.NonSpacingMark;

    internal static string NormalizeLocation(string location) =>
        new string(location.Where(c => !char.IsWhiteSpace(c)).ToArray()).ToLowerInvariant();

    internal static async Task<(bool Failed, Dictionary<string, string>? Tags)> ReadTagsAsync(ArmRequest request, JsonElement body)
    {
        if (!body.TryGetProperty("tags", out var tags) || tags.ValueKind == JsonValueKind.Null) return (false, null);
        if (tags.ValueKind != JsonValueKind.Object)
        {
            await request.WriteErrorAsync(ArmErrors.TagsNotAnObject()).ConfigureAwait(false);
            return (true, null);
        }
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var tag in tags.EnumerateObject())
        {
            if (tag.Value.ValueKind != JsonValueKind.String)
            {
                await request.WriteErrorAsync(ArmErrors.TagValueNotAString(tag.Name)).ConfigureAwait(false);
                return (true, null);
            }
            if (tag.Name.Length > 512 || tag.Value.GetString()!.Length > 256)
            {
                await request.WriteErrorAsync(ArmErrors.TagInvalid(tag.Name)).ConfigureAwait(false);
                return (true, null);
            }
            result[tag.Name] = tag.Value.GetString()!;
        }
        if (result.Count > 50)
        {
            await request.WriteErrorAsync(ArmErrors.TagCountExceeded(result.Count)).ConfigureAwait(false);
            return (true, null);
        }
        return (false, result);
    }

    /// <summary><c>{"id","name","type","location",["managedBy"],["tags"],"properties":{"provisioningState"}}</c>; <c>id</c> uses camel-case <c>resourceGroups</c>.</summary>
    public static void Write(Utf8JsonWriter w, ResourceGroupInfo group)
    {
        w.WriteStartObject();
        w.WriteString("id", group.Id);
        w.WriteString("name", group.Name);
        w.WriteString("type", Type);
        w.WriteString("location", group.Location);
        if (group.ManagedBy is not null) w.WriteString("managedBy", group.ManagedBy);
        if (group.Tags.Count > 0)
        {
            w.WriteStartObject("tags");
            foreach (var (k, v) in group.Tags) w.WriteString(k, v);
            w.WriteEndObject();
        }
        w.WriteStartObject("properties");
        w.WriteString("provisioningState", group.ProvisioningState);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
