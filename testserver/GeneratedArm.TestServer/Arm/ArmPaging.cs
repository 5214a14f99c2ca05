using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace GeneratedArm.TestServer.Arm;

/// <summary>
/// ARM's list pages: <c>{"value":[…],"nextLink":"…?$skiptoken=…"}</c>, <c>nextLink</c> omitted on the last page; the link repeats the
/// request's query (<c>api-version</c>, <c>$filter</c>, <c>$top</c>) so clients follow it as is (resource-api-reference.md "Paging").
/// <c>$top</c> bounds the page size.
/// </summary>
internal static class ArmPaging
{
    /// <summary>Validates <c>$top</c>/<c>$skiptoken</c>; writes ARM's 400 and returns false when malformed.</summary>
    public static async Task<(bool Ok, int Offset, int PageSize)> ReadAsync(ArmRequest request)
    {
        int pageSize = request.Options.PageSize;
        if (request.Query["$top"] is { Count: > 0 } topText)
        {
            if (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out int top) || top < 1)
            {
                await request.WriteErrorAsync(ArmErrors.TopInvalid(topText.ToString())).ConfigureAwait(false);
                return (false, 0, 0);
            }
            pageSize = Math.Min(pageSize, top);
        }
        int offset = 0;
        if (request.Query["$skiptoken"] is { Count: > 0 } skipText)
        {
            if (!int.TryParse(skipText, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
            {
                await request.WriteErrorAsync(ArmErrors.SkipTokenInvalid(skipText.ToString())).ConfigureAwait(false);
                return (false, 0, 0);
            }
        }
        return (true, offset, pageSize);
    }

    /// <summary>Writes one page of <paramref name="items"/> (all matching items, in order) starting at <paramref name="offset"/>.</summary>
    public static Task WritePageAsync<T>(ArmRequest request, IReadOnlyList<T> items, int offset, int pageSize, Action<Utf8JsonWriter, T> writeItem)
    {
        var page = items.Skip(offset).Take(pageSize).ToList();
        string? nextLink = offset + page.Count < items.Count ? NextLink(request, offset + page.Count) : null;
        return request.WriteJsonAsync(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("value");
            foreach (var item in page) writeItem(w, item);
            w.WriteEndArray();
            if (nextLink is not null) w.WriteString("nextLink", nextLink);
            w.WriteEndObject();
        });
    }

    private static string NextLink(ArmRequest request, int offset)
    {
        var http = request.Context.Request;
        string url = request.BaseUrl + http.PathBase.ToUriComponent() + http.Path.ToUriComponent();
        foreach (var (key, values) in http.Query)
        {
            if (string.Equals(key, "$skiptoken", StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var value in values) url = QueryHelpers.AddQueryString(url, key, value ?? "");
        }
        return QueryHelpers.AddQueryString(url, "$skiptoken", offset.ToString(CultureInfo.InvariantCulture));
    }
}
